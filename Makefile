# Thin aliases: the logic lives in scripts/ (and bench/).
.PHONY: run test lint bench

run:
	scripts/run

test:
	scripts/test

lint:
	scripts/test --lint-only

bench:
	@if [ -x bench/run ]; then bench/run; else echo "no bench/run in this checkout"; fi
