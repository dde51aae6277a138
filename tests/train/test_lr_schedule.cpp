#include <catch2/catch.hpp>

#include "app/train/lr_schedule.h"

using nmt::LrSchedule;
using nmt::PlateauState;

TEST_CASE("noam warms up linearly, then decays with the inverse square root", "[schedule]") {
  LrSchedule s("noam", 1e-3, 100, 0.5, 1, 0);
  CHECK(s.at_step(1) == Approx(1e-5));
  CHECK(s.at_step(50) == Approx(5e-4));
  CHECK(s.at_step(100) == Approx(1e-3));
  CHECK(s.at_step(400) == Approx(5e-4));
}

TEST_CASE("plateau halves the rate after `patience` validations without improvement", "[schedule]") {
  LrSchedule s("plateau", 1e-3, 0, 0.5, 1, 1e-4);
  PlateauState p;
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
  PlateauState p;
  CHECK(s.at_step(5) == Approx(1e-3));
  CHECK(s.at_step(1000) == Approx(2e-3));
  CHECK_FALSE(s.on_validation(false, p));
  CHECK(p.scale == 1.0);
}
