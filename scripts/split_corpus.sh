#!/usr/bin/env bash
# Splits one parallel corpus (two files, line i of one translating line i of
# the other) into train, valid and test, deterministically: a pair goes to
# test when the first 8 hex digits of sha256 of its normalised key side (the
# target, the second file, unless --key-side source) are below TEST mod 100,
# to valid when below TEST+VALID, else to train. So the same sentence with
# different translations never straddles two sets, and adding pairs to the
# corpus never moves the old ones. (scripts/get_data.sh splits Tatoeba so.)
#
#   scripts/split_corpus.sh SRC_FILE TGT_FILE OUT_DIR [--valid PCT] [--test PCT]
#                           [--key-side source|target] [--force]
#
# The languages are the files' extensions: corpus.fr corpus.en -> OUT_DIR/
# {train,valid,test}.{fr,en}. Defaults: 1% valid, 1% test (at least a few
# hundred pairs each from a corpus of 50,000 or more). Existing output files
# are kept unless --force.
set -euo pipefail
usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 3 ] || usage
src=$1 tgt=$2 out=$3
shift 3
valid=1 test=1 key=target force=false
while [ $# -gt 0 ]; do
  case $1 in
    --valid) valid=$2; shift ;;
    --test) test=$2; shift ;;
    --key-side) key=$2; shift ;;
    --force) force=true ;;
    -h|--help) usage ;;
    *) echo "split_corpus: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
for f in "$src" "$tgt"; do [ -f "$f" ] || { echo "split_corpus: no file $f" >&2; exit 2; }; done
src_lang=${src##*.} tgt_lang=${tgt##*.}
[ "$src_lang" != "$tgt_lang" ] && [ "$src_lang" != "$src" ] && [ "$tgt_lang" != "$tgt" ] ||
  { echo "split_corpus: name the files by language, e.g. corpus.fr corpus.en (got $src, $tgt)" >&2; exit 2; }
case $key in source|target) ;; *) echo "split_corpus: --key-side is source or target, not '$key'" >&2; exit 2 ;; esac
[[ $valid =~ ^[0-9]+$ && $test =~ ^[0-9]+$ ]] && [ $((valid + test)) -lt 100 ] ||
  { echo "split_corpus: --valid and --test are whole percentages adding up to less than 100" >&2; exit 2; }
mkdir -p "$out"
if [ "$force" = false ]; then
  for s in train valid test; do
    for l in "$src_lang" "$tgt_lang"; do
      [ ! -e "$out/$s.$l" ] || { echo "split_corpus: $out/$s.$l exists (--force replaces it)" >&2; exit 1; }
    done
  done
fi
python3 - "$src" "$tgt" "$out" "$src_lang" "$tgt_lang" "$valid" "$test" "$key" <<'PY'
import hashlib, itertools, os, re, sys
src, tgt, out, src_lang, tgt_lang, valid, test, key = sys.argv[1:]
valid, test = int(valid), int(test)
names = [(s, lang) for s in ("train", "valid", "test") for lang in (src_lang, tgt_lang)]
files = {n: open(f"{out}/{n[0]}.{n[1]}.partial", "w", encoding="utf-8", newline="\n") for n in names}
counts = {"train": 0, "valid": 0, "test": 0}
with open(src, encoding="utf-8", newline="\n") as fs, open(tgt, encoding="utf-8", newline="\n") as ft:
    for number, (s, t) in enumerate(itertools.zip_longest(fs, ft), 1):
        if s is None or t is None:
            for n, f in files.items():
                f.close()
                os.remove(f"{out}/{n[0]}.{n[1]}.partial")
            sys.exit(f"split_corpus: {src} and {tgt} differ in length: "
                     f"{(src if s is None else tgt)} ends before line {number}")
        s, t = s.rstrip("\n"), t.rstrip("\n")
        k = re.sub(r"[^0-9a-z]+", " ", (t if key == "target" else s).lower()).strip()
        bucket = int(hashlib.sha256(k.encode()).hexdigest()[:8], 16) % 100
        split = "test" if bucket < test else "valid" if bucket < test + valid else "train"
        files[(split, src_lang)].write(s + "\n")
        files[(split, tgt_lang)].write(t + "\n")
        counts[split] += 1
for n, f in files.items():
    f.close()
    os.replace(f"{out}/{n[0]}.{n[1]}.partial", f"{out}/{n[0]}.{n[1]}")
print(f"split_corpus: {out}/{{train,valid,test}}.{{{src_lang},{tgt_lang}}}: "
      f"{counts['train']} / {counts['valid']} / {counts['test']} pairs", file=sys.stderr)
PY
