// Console lines of several cores in simulated-time order (platform/console_order.h).
#include <catch2/catch.hpp>
#include <sstream>

#include "console_order.h"

using dojo::platform::ConsoleOrder;
using sc_core::sc_time;
using sc_core::SC_NS;

TEST_CASE("lines go out by simulated time, then rank, then the order a core printed them") {
  ConsoleOrder order;
  CHECK(order.add(1, "b at 20\n", sc_time(20, SC_NS)));
  CHECK_FALSE(order.add(0, "a at 30\n", sc_time(30, SC_NS)));
  CHECK(order.add(2, "c at 10\n", sc_time(10, SC_NS)));
  CHECK_FALSE(order.add(0, "a at 20, first\n", sc_time(20, SC_NS)));
  CHECK_FALSE(order.add(0, "a at 20, second\n", sc_time(20, SC_NS)));
  REQUIRE(order.earliest() == sc_time(10, SC_NS));

  std::ostringstream out;
  order.write_before(sc_time(20, SC_NS), out);  // a line at 20 ns may still come
  CHECK(out.str() == "c at 10\n");
  CHECK(order.earliest() == sc_time(20, SC_NS));
  order.write_before(sc_time(21, SC_NS), out);
  CHECK(out.str() == "c at 10\na at 20, first\na at 20, second\nb at 20\n");
  order.write_all(out);
  CHECK(out.str() == "c at 10\na at 20, first\na at 20, second\nb at 20\na at 30\n");
  CHECK_FALSE(order.earliest());
}
