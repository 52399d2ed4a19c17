# The two commands (see README):
#   make run    install everything, train/build what is out of date, start the product on 127.0.0.1
#   make test   install everything incl. test tools, then run the whole test suite
.PHONY: run test
run:
	scripts/setup.sh
	.venvs/app/bin/laborbot run

test:
	scripts/setup.sh --test
	scripts/test.sh
