#include <catch2/catch.hpp>

#include "app/train/lr_schedule.h"

using nmt::LrSchedule;
using nmt::ScheduleState;

TEST_CASE("noam warms up linearly, then decays with the inverse square root", "[schedule]") {
  LrSchedule s("noam", 1e-3, 100, 0.5, 1, 0);
  CHECK(s.at_step(1) == Approx(1e-5));
  CHECK(s.at_step(50) == Approx(5e-4));
  CHECK(s.at_step(100) == Approx(1e-3));
  CHECK(s.at_step(400) == Approx(5e-4));
}

TEST_CASE("plateau halves the rate after `patience` validations without improvement", "[schedule]") {
  LrSchedule s("plateau", 1e-3, 0, 0.5, 1, 1e-4);
  ScheduleState p;
  CHECK_FALSE(s.on_validation(true, p));
  CHECK_FALSE(s.on_validation(false, p));
  CHECK(p.bad_validations == 1);
  CHECK(s.on_validation(false, p));
  CHECK(p.bad_validations == 0);
  CHECK(s.at_step(10, p) == Approx(5e-4));
  CHECK(s.at_step(10) == Approx(1e-3));  // the state, not the schedule, remembers the decay
  for (int i = 0; i < 20; ++i) s.on_validation(false, p);
  CHECK(s.at_step(10, p) == Approx(1e-4));  // floor
}

TEST_CASE("constant is constant after its warm-up", "[schedule]") {
  LrSchedule s("constant", 2e-3, 10, 0.5, 1, 0);
  ScheduleState p;
  CHECK(s.at_step(5) == Approx(1e-3));
  CHECK(s.at_step(1000) == Approx(2e-3));
  CHECK_FALSE(s.on_validation(false, p));
  CHECK(p.scale == 1.0);
}

TEST_CASE("linear warms up, then falls in a straight line to its floor as the budget runs out", "[schedule]") {
  SECTION("a budget in steps") {
    LrSchedule s("linear", 1e-3, 100, 0.5, 1, 1e-5, 1000);
    CHECK(s.at_step(50) == Approx(0.5e-3 * 0.95));  // warming up, the line already running
    CHECK(s.at_step(500) == Approx(0.5e-3));
    CHECK(s.at_step(900) == Approx(1e-4));
    CHECK(s.at_step(1000) == Approx(1e-5));  // the floor, not zero
    CHECK(s.at_step(5000) == Approx(1e-5));
  }
  SECTION("a budget in time, carried by the state") {
    LrSchedule s("linear", 1e-3, 0, 0.5, 1, 0);
    ScheduleState state;
    CHECK(s.at_step(10, state) == Approx(1e-3));
    state.time_progress = 0.75;
    CHECK(s.at_step(10, state) == Approx(2.5e-4));
    state.time_progress = 1.0;
    CHECK(s.at_step(10, state) == Approx(0.0).margin(1e-15));
  }
  SECTION("whichever budget is nearer its end decides") {
    LrSchedule s("linear", 1e-3, 0, 0.5, 1, 0, 1000);
    ScheduleState state;
    state.time_progress = 0.2;
    CHECK(s.at_step(500, state) == Approx(0.5e-3));
    state.time_progress = 0.6;
    CHECK(s.at_step(500, state) == Approx(0.4e-3));
  }
}
