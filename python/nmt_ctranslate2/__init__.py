"""nmt's Transformers in CTranslate2 (OpenNMT's inference engine): a converter
from the directory `nmt-export --to pytorch` writes, and a translator that
tokenizes and decodes as nmt does. Needs the `ctranslate2` module
(`pip install ctranslate2`, or scripts/build_ctranslate2.sh), `torch` and
`sentencepiece`."""
