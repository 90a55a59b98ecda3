# Thin aliases; the logic lives in scripts/ and bench/.
.PHONY: run test lint bench
run:
	scripts/run
test:
	scripts/test
lint:
	scripts/test --lint-only
bench:
	bench/run
