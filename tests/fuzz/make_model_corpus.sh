#!/usr/bin/env bash
# tests/fuzz/make_model_corpus.sh: the seed corpus of fuzz_model, written
# into tests/fuzz/corpus/model:
#
#   tiny-ner.bin     a tagger trained by `whosaid train-ner` on the five
#                    sentences below (deterministic: the same bytes each time)
#   cues-*.txt       small speech-cue lists, one of them malformed
#
#   tests/fuzz/make_model_corpus.sh [PATH/TO/whosaid]   (default: build/bin/whosaid)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
program=${1:-$here/../../build/bin/whosaid}
out=$here/corpus/model
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Five sentences in CoNLL-2003 columns (token, POS, chunk, IOB2 tag).
cat > "$scratch/tiny.conll" <<'EOF'
-DOCSTART- -X- O O

Angela NNP B-NP B-PER
Merkel NNP I-NP I-PER
visited VBD B-VP O
Paris NNP B-NP B-LOC
. . O O

Acme NNP B-NP B-ORG
Corp NNP I-NP I-ORG
hired VBD B-VP O
John NNP B-NP B-PER
Smith NNP I-NP I-PER
. . O O

German JJ B-NP B-MISC
officials NNS I-NP O
met VBD B-VP O
Heiko NNP B-NP B-PER
Maas NNP I-NP I-PER
in IN B-PP O
Berlin NNP B-NP B-LOC
. . O O

-DOCSTART- -X- O O

Reuters NNP B-NP B-ORG
reported VBD B-VP O
from IN B-PP O
Beijing NNP B-NP B-LOC
. . O O

Mike NNP B-NP B-PER
Pompeo NNP I-NP I-PER
spoke VBD B-VP O
. . O O
EOF

mkdir -p "$out"
# Pruned hard, so that the file stays small enough for libFuzzer's -max_len.
"$program" train-ner --train "$scratch/tiny.conll" --dev "$scratch/tiny.conll" \
  -o "$out/tiny-ner.bin" --epochs 3 --seed 1 --prune 0.8 >/dev/null

printf 'said\ntold\naccording to\n' > "$out/cues-small.txt"
printf '# a comment\n\n  says  \r\nin a statement\nadded\t\n' > "$out/cues-spaces.txt"
printf 'said\nTold\n' > "$out/cues-upper-case.txt"
ls -l "$out"
