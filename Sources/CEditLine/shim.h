// Fixed-signature wrappers over libedit's variadic calls, which Swift cannot import.
#include <stdio.h>
#include <histedit.h>
