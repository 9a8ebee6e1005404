# Convenience targets; the README's set-up commands are ./run.sh and ./test.sh.
.PHONY: run test release clean

run:
	./run.sh $(ARGS)

test:
	./test.sh

release:
	scripts/install-deps.sh && swift build -c release --static-swift-stdlib

clean:
	rm -rf .build
