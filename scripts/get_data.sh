#!/usr/bin/env bash
# Puts a real parallel corpus where the configs expect it: corpora/NAME/.
#   scripts/get_data.sh multi30k | tatoeba-deu-eng | tatoeba-fra-eng
# Takes ../shared/data/NAME when present (or $NMT_SHARED_DATA/NAME), otherwise
# downloads the public files; either way the files must match the sha256 sums below.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:-}
shared=${NMT_SHARED_DATA:-../shared/data}
out=corpora/$name

multi30k_base=https://raw.githubusercontent.com/multi30k/dataset/a3d2e0d26b56f3846f66a952536ffed4e401d05a/data/task1/raw
deu_zip=https://raw.githubusercontent.com/rioyshky/translation/de48b7027f7318d77010a6e08ed928c10748c23d/deu-eng.zip
fra_zip=https://raw.githubusercontent.com/modelexlab/data/adddaf33ac35572bcfeb421efec29435e7ea9332/fra-eng.zip

# Tatoeba has no official split: scripts/split_corpus.sh splits it on the
# English side (1% valid, 1% test), so alternative translations of one English
# sentence never straddle splits.
split_tatoeba() {  # TSV english<TAB>other... -> OUT/{train,valid,test}.{en,LANG}
  local tsv=$1 out=$2 lang=$3 dir
  dir=$(dirname "$tsv")
  cut -f2 "$tsv" > "$dir/all.$lang"
  cut -f1 "$tsv" > "$dir/all.en"
  scripts/split_corpus.sh "$dir/all.$lang" "$dir/all.en" "$out" --force
}

case "$name" in
  multi30k)
    sums="2c2b73fd2b548fbcde3a875e0a78d6ee94d498bfdee6bd3eae3945779e9ddf72  train.de
460a15fbd157e34a7a9957ee388c1ca247fe47af3ef25fb50442af6c274e0fc6  train.en
660e09eb7e1da2f856ea13ee5ad3cf6d36b3d5b0b733c857e94c5747a3dfc660  valid.de
1f2a23d992769b5b3d209b0a10dd0b77c08cceb1f20dfb97ed0aafa49d107227  valid.en
4be6b5b3236b79c25475c6bb829800a7ce559e9ba7a1f6c2394fe4d40be46d16  test2016.de
399a4382932c1aadd3ceb9bef1008d388a64c76d4ae4e9d4728c6f4301cac182  test2016.en" ;;
  tatoeba-deu-eng)
    sums="91f79903d328d9ccfc7613eb52d8b4d568519d9c824a924f330b7dc29d5e876d  train.de
8bb4d8cf405914372743eb23262f8f27b53c2d0a6caa5f0ffe8a213de9e035e2  train.en
cba77d0bd9b5be8cd2f766d474f6cc383eb3864bfdacc50dee6b934e8ccf6447  valid.de
016b43e9de45b967d9660af0c466390d79b2603ad988466598ec913e03a53808  valid.en
6781c57014ee1ab5d017ba953719493c46744a6dfea7e0fece9236b3e019e430  test.de
a20ea172ed8ebfab7b3838d64fb3c15e7176ab1c29b5f06f7cc8babeaff37396  test.en" ;;
  tatoeba-fra-eng)
    sums="d70dc0057e103799375928239c348cdb8d41bed8bf06b744b6eec0c1068c6d40  train.fr
eb3a872c6a0e9c2e2b2215cd2e34892ac2b794a326044c7ca0273c73db263845  train.en
f09171207e641bd7ab7431aa78d75b39adc0f114d509b84fdf3d34a6b77dd8eb  valid.fr
0578dde1355fcef903cbd3be39e1181a9a8bc9502dcd3aa636ac588c2f6eacc7  valid.en
93369d4b963d42a120beca4fdb1c633ca9dedf30db2a7c01e5fb508f8d88c28e  test.fr
013333e492bf8c90f3c610cb999f836af0336af9e35b0531042eb49df0ebc0db  test.en" ;;
  *)
    echo "usage: $0 multi30k|tatoeba-deu-eng|tatoeba-fra-eng" >&2; exit 2 ;;
esac

mkdir -p "$out"
if [ -d "$shared/$name" ]; then
  echo "get_data: copying $name from $shared/$name" >&2
  for f in $(echo "$sums" | awk '{print $2}'); do cp "$shared/$name/$f" "$out/$f"; done
else
  echo "get_data: downloading $name" >&2
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  case "$name" in
    multi30k)
      for pair in train:train val:valid test_2016_flickr:test2016; do
        for lang in de en; do
          curl -fsSL "$multi30k_base/${pair%%:*}.$lang.gz" | gunzip > "$out/${pair##*:}.$lang"
        done
      done ;;
    tatoeba-*)
      if [ "$name" = tatoeba-deu-eng ]; then url=$deu_zip member=deu.txt lang=de
      else url=$fra_zip member=fra-eng/fra.txt lang=fr; fi
      curl -fsSL -o "$tmp/corpus.zip" "$url"
      (cd "$tmp" && unzip -q corpus.zip "$member")
      split_tatoeba "$tmp/$member" "$out" "$lang" ;;
  esac
fi
(cd "$out" && echo "$sums" | sha256sum --quiet -c -) || {
  echo "get_data: checksum mismatch in $out; the files are not the expected corpus" >&2; exit 1; }
echo "get_data: $name ready in $out" >&2
