# make demo   install, then check the bundled example cases
# make test   install with the test dependencies, then run the tests
.PHONY: demo test install clean
AS_OF ?= 2026-01-01

install:
	./scripts/install.sh

demo: install
	.venv/bin/compliance check cases/*.yaml --as-of $(AS_OF) --fail-on never

test:
	./scripts/install.sh --test
	.venv/bin/python -m pytest -q

clean:
	rm -rf .venv build *.egg-info
