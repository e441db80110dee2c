// The one Catch2 implementation every test program links (catch_main.cpp,
// compiled once: the implementation is most of a test build's compile time).
// A program that must prepare its process before the cases run, or tidy up
// after them, defines these; the defaults do nothing.
#pragma once

namespace test_main {

// Runs before Catch2 parses the command line; non-zero is the exit status of
// a program that must not run its cases.
int before_run();

// Runs after the cases, whatever their outcome.
void after_run();

} // namespace test_main
