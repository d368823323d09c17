// The check of the pure C++ tests (scope_test.cc, nesting_test.cc): each case prints "ok NAME" or
// "FAIL NAME: why" and counts its failures; main returns `failures`.
#pragma once

#include <cstdio>
#include <string>

inline int failures = 0;

inline void check(const char* name, bool ok, const std::string& why) {
  if (ok) {
    std::printf("ok %s\n", name);
  } else {
    std::printf("FAIL %s: %s\n", name, why.c_str());
    ++failures;
  }
}
