# The held-out search sets, shared by scripts/eval-search and
# scripts/eval-context: libraries that neither the static model's training
# text nor the fusion weights ever saw (sourced, not run).
# Each entry: language:library (scripts/eval/prepare.py LANGUAGE).
held_out=(python:click python:rich python:marshmallow python:jinja2 rust:semver rust:itertools rust:http
  go:cobra go:logrus go:go-cmp go:mux typescript:redux-toolkit typescript:trpc-server typescript:mobx
  java:commons-io java:jsoup)
