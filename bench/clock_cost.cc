// How long one steady_clock::now() takes on this host (a vDSO read, or a system call on some VMs).
#include <chrono>
#include <cstdio>
int main() {
  using C = std::chrono::steady_clock;
  const int n = 2000000;
  auto a = C::now();
  long long sink = 0;
  for (int i = 0; i < n; ++i) sink += C::now().time_since_epoch().count() & 1;
  auto b = C::now();
  std::printf("{\"clockReadNs\": %.1f, \"sink\": %lld}\n", std::chrono::duration<double, std::nano>(b - a).count() / n, sink);
}
