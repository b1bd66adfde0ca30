# The evaluation sets shared by scripts/eval-search and scripts/eval-context
# (sourced, not run): django and tokio docstrings and the hand-written django
# questions, on which search is tuned, and the held-out libraries.
#
# held_out: libraries that neither the static model's training text nor the
# fusion weights ever saw. Each entry: language:library (scripts/eval/prepare.py
# LANGUAGE).
held_out=(python:click python:rich python:marshmallow python:jinja2 rust:semver rust:itertools rust:http
  go:cobra go:logrus go:go-cmp go:mux typescript:redux-toolkit typescript:trpc-server typescript:mobx
  java:commons-io java:jsoup)

# held_out_questions: held-out libraries that also have hand-written developer
# questions (scripts/eval/LIBRARY-questions.jsonl, written before any ranking
# of them was seen), asked of the library as shipped: the set LIBRARY-questions.
held_out_questions=(click jinja2 rich)

# tuning_questions: hand-written developer questions on small Python libraries
# that are neither training text nor held out (scripts/eval/LIBRARY-questions.jsonl),
# for tuning search on questions beside django's: the set LIBRARY-questions.
tuning_questions=(toolz tenacity cachetools itsdangerous more-itertools boltons)

# Every corpus search is tuned or reported on: never training text
# (scripts/model/training-set refuses them).
evaluated_corpora=(django tokio "${held_out[@]#*:}" "${tuning_questions[@]}")

# The caller sets `sets` (names asked for; none: all), `here`, `corpora` and
# `work`, and defines `evaluate LABEL TREE QUERIES`.

# Whether set $1 was asked for.
wanted() { ((${#sets[@]} == 0)) || [[ " ${sets[*]} " == *" $1 "* ]]; }

# Refuses an unknown set name (exit 2), then fetches the corpora asked for.
check_and_fetch_sets() {
  local known=" django tokio questions ${held_out[*]#*:} ${held_out_questions[*]/%/-questions} ${tuning_questions[*]/%/-questions} " set name fetch=()
  for set in "${sets[@]}"; do
    [[ "$known" == *" $set "* ]] || { echo "${0##*/}: unknown set '$set' (known:$known)" >&2; exit 2; }
  done
  for name in "${evaluated_corpora[@]}"; do wanted "$name" && fetch+=("$name"); done
  wanted questions && fetch+=(django)
  for name in "${held_out_questions[@]}" "${tuning_questions[@]}"; do
    wanted "$name-questions" && fetch+=("$name")
  done
  "$here/fetch-corpora" "${fetch[@]}"
}

# A docstring set: the corpus with doc comments stripped, each documented
# definition's first sentence its question.
docstrings() { # language library
  python3 "$here/eval/prepare.py" "$1" "$corpora/$2" "$work/$2-stripped" "$work/$2.queries.jsonl"
  evaluate "$2-docstrings" "$work/$2-stripped" "$work/$2.queries.jsonl"
}

# Evaluates every set asked for, in a fixed order.
evaluate_sets() {
  local entry
  wanted django && docstrings python django
  wanted tokio && docstrings rust tokio
  wanted questions && evaluate django-questions "$corpora/django" "$here/eval/django-questions.jsonl"
  for name in "${tuning_questions[@]}"; do
    wanted "$name-questions" && evaluate "$name-questions" "$corpora/$name" "$here/eval/$name-questions.jsonl"
  done
  for entry in "${held_out[@]}"; do
    wanted "${entry#*:}" && docstrings "${entry%%:*}" "${entry#*:}"
  done
  for name in "${held_out_questions[@]}"; do
    wanted "$name-questions" && evaluate "$name-questions" "$corpora/$name" "$here/eval/$name-questions.jsonl"
  done
  return 0
}
