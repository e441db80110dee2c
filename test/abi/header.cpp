// The same checks, compiled as C++.
#include "header.c"
