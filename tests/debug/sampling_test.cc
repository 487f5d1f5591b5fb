// Sampling policies and triggers (include/tinytb/debug/sampling.h): each policy's rule, the
// combinations' budget and counting rules, and the clock's edge cases (none, backwards, a
// counter near the top of its range, a period of 0).
#include <gtest/gtest.h>

#include <math.h>
#include <stdint.h>

#include <vector>

#include "tinytb/debug/sampling.h"

namespace {

using tinytb::Sample;

Sample at(int64_t step, float value = 0.0f, int32_t label = -1) {
  Sample s;
  s.step = step;
  s.value = value;
  s.label = label;
  return s;
}

uint64_t g_now = 0;
int g_reads = 0;
uint64_t fake_uptime() {
  ++g_reads;
  return g_now;
}
tinytb::Clock fake_clock() {
  tinytb::Clock c;
  c.uptime_ms = fake_uptime;
  return c;
}

TEST(EveryNSteps, MultiplesOfNIncludingNegativeStepsAndExtremes) {
  tinytb::EveryNSteps every3{3};
  std::vector<int64_t> taken;
  for (int64_t step = -6; step <= 9; ++step) {
    if (every3.sample(at(step))) taken.push_back(step);
  }
  EXPECT_EQ(taken, (std::vector<int64_t>{-6, -3, 0, 3, 6, 9}));
  tinytb::EveryNSteps never{0};
  EXPECT_FALSE(never.sample(at(0)));
  tinytb::EveryNSteps every2{2};
  EXPECT_TRUE(every2.sample(at(INT64_MIN)));   // -2^63 is even
  EXPECT_FALSE(every2.sample(at(INT64_MAX)));  // 2^63 - 1 is odd
  tinytb::EveryNSteps big{UINT32_MAX};
  EXPECT_TRUE(big.sample(at(int64_t{UINT32_MAX} * 2)));
  EXPECT_FALSE(big.sample(at(int64_t{UINT32_MAX} + 1)));
}

TEST(FirstN, TakesTheFirstNThenNothingUntilReset) {
  tinytb::FirstN first{3};
  int taken = 0;
  for (int step = 0; step < 10; ++step) taken += first.sample(at(step)) ? 1 : 0;
  EXPECT_EQ(taken, 3);
  EXPECT_EQ(first.count(), 3u);
  first.reset();
  EXPECT_TRUE(first.sample(at(11)));
  tinytb::FirstN none{0};
  EXPECT_FALSE(none.sample(at(0)));
}

TEST(OnChange, ComparesWithTheLastValueTaken) {
  tinytb::OnChange change{0.5f};
  EXPECT_TRUE(change.sample(at(0, 0.0f)));   // nothing taken yet
  EXPECT_FALSE(change.sample(at(1, 0.3f)));
  EXPECT_FALSE(change.sample(at(2, 0.5f)));  // exactly the threshold is not beyond it
  EXPECT_TRUE(change.sample(at(3, 0.6f)));   // drift adds up against the last taken value
  EXPECT_FALSE(change.sample(at(4, 0.2f)));
  EXPECT_TRUE(change.sample(at(5, -0.1f)));
  EXPECT_TRUE(change.sample(at(6, NAN)));    // a number to NaN
  EXPECT_FALSE(change.sample(at(7, NAN)));   // NaN to NaN
  EXPECT_TRUE(change.sample(at(8, 1.0f)));   // NaN to a number
  EXPECT_TRUE(change.sample(at(9, INFINITY)));
  EXPECT_FALSE(change.sample(at(10, INFINITY)));
  EXPECT_TRUE(change.sample(at(11, -INFINITY)));
  change.reset();
  EXPECT_TRUE(change.sample(at(12, -INFINITY)));
}

TEST(AtMostPerSecond, AtMostKInAnyWindow) {
  g_now = 1000;
  tinytb::AtMostPerSecond<2> rate{fake_clock()};
  std::vector<uint64_t> taken;
  // One sample every 100 ms for 5 s: exactly 2 per second, each 1000 ms after the one two back.
  for (int i = 0; i < 50; ++i) {
    if (rate.sample(at(i))) taken.push_back(g_now);
    g_now += 100;
  }
  ASSERT_EQ(taken.size(), 10u);
  for (size_t i = 2; i < taken.size(); ++i) EXPECT_GE(taken[i] - taken[i - 2], 1000u) << i;
  EXPECT_EQ(taken[0], 1000u);
  EXPECT_EQ(taken[1], 1100u);
  EXPECT_EQ(taken[2], 2000u);
}

TEST(AtMostPerSecond, ReadsTheClockOncePerSample) {
  g_now = 5;
  g_reads = 0;
  tinytb::AtMostPerSecond<1> rate{fake_clock()};
  (void)rate.sample(at(0));
  (void)rate.sample(at(1));
  EXPECT_EQ(g_reads, 2);
}

TEST(AtMostPerSecond, ClockEdgeCases) {
  // No clock: never due, until one is set.
  tinytb::AtMostPerSecond<3> blind{tinytb::Clock{}};
  EXPECT_FALSE(blind.sample(at(0)));
  g_now = 50;
  blind.set_clock(fake_clock());
  EXPECT_TRUE(blind.sample(at(1)));
  // Period 0: no limit.
  g_now = 0;
  tinytb::AtMostPerSecond<1> unlimited{fake_clock(), 0};
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(unlimited.sample(at(i)));
  // A clock near the top of uint64: differences stay exact.
  g_now = UINT64_MAX - 1500;
  tinytb::AtMostPerSecond<1> high{fake_clock()};
  EXPECT_TRUE(high.sample(at(0)));
  g_now = UINT64_MAX - 501;
  EXPECT_FALSE(high.sample(at(1)));
  g_now = UINT64_MAX - 500;
  EXPECT_TRUE(high.sample(at(2)));
  // The counter wraps to 0 (goes back): a new epoch, not a 2^64 ms wait.
  g_now = 3;
  EXPECT_TRUE(high.sample(at(3)));
  g_now = 500;
  EXPECT_FALSE(high.sample(at(4)));  // and the new epoch is limited again
  g_now = 1003;
  EXPECT_TRUE(high.sample(at(5)));
  // Back below the newest take only (the oldest is older still): also a new epoch.
  g_now = 10000;
  tinytb::AtMostPerSecond<2> two{fake_clock()};
  EXPECT_TRUE(two.sample(at(0)));
  g_now = 10500;
  EXPECT_TRUE(two.sample(at(1)));
  g_now = 10200;
  EXPECT_TRUE(two.sample(at(2)));
  EXPECT_TRUE(two.sample(at(3)));
  EXPECT_FALSE(two.sample(at(4)));
}

TEST(Combinations, AllOfSpendsTheRateBudgetOnlyOnSamplesItTakes) {
  g_now = 0;
  tinytb::EveryNSteps every2{2};
  tinytb::AtMostPerSecond<1> rate{fake_clock()};
  tinytb::AllOf<tinytb::EveryNSteps&, tinytb::AtMostPerSecond<1>&> both{every2, rate};
  std::vector<int64_t> taken;
  for (int64_t step = 1; step <= 30; ++step) {  // 1 step = 100 ms
    g_now = static_cast<uint64_t>(step) * 100;
    if (both.sample(at(step))) taken.push_back(step);
  }
  // Step 1 is odd: not taken, and the rate did not count it, so step 2 is.
  EXPECT_EQ(taken, (std::vector<int64_t>{2, 12, 22}));
}

TEST(Combinations, AnyOfCountsTheSamplesTheWholeTook) {
  tinytb::AnyOf<tinytb::FirstN, tinytb::EveryNSteps> any{tinytb::FirstN{2}, tinytb::EveryNSteps{10}};
  std::vector<int64_t> taken;
  for (int64_t step = 5; step <= 30; ++step) {
    if (any.sample(at(step))) taken.push_back(step);
  }
  EXPECT_EQ(taken, (std::vector<int64_t>{5, 6, 10, 20, 30}));
  // Step 10 is taken by both and FirstN counts it: only one more step (11) follows on FirstN's account.
  tinytb::AnyOf<tinytb::FirstN, tinytb::EveryNSteps> early{tinytb::FirstN{2}, tinytb::EveryNSteps{10}};
  std::vector<int64_t> taken2;
  for (int64_t step = 10; step <= 25; ++step) {
    if (early.sample(at(step))) taken2.push_back(step);
  }
  EXPECT_EQ(taken2, (std::vector<int64_t>{10, 11, 20}));
}

TEST(Combinations, NestAndCombineWithTriggers) {
  // Dump when the score is low or the class flips, but at most once per second.
  g_now = 0;
  tinytb::ScoreBelow low{0.5f};
  tinytb::ClassFlip flip;
  tinytb::AtMostPerSecond<1> rate{fake_clock()};
  tinytb::AllOf<tinytb::AnyOf<tinytb::ScoreBelow&, tinytb::ClassFlip&>, tinytb::AtMostPerSecond<1>&> dump{
      {low, flip}, rate};
  const float scores[] = {0.9f, 0.9f, 0.4f, 0.3f, 0.9f, 0.9f, 0.9f, 0.2f};
  const int32_t labels[] = {1, 1, 1, 1, 2, 2, 2, 2};
  std::vector<int64_t> fired;
  for (int64_t i = 0; i < 8; ++i) {
    g_now = static_cast<uint64_t>(i) * 400;
    if (dump.sample(at(i, scores[i], labels[i]))) fired.push_back(i);
  }
  // 2 (low, t=800), 3 low but 400 ms later, 4 flip at t=1600 (800 after 2: no), 5..6 nothing,
  // 7 low at t=2800.
  EXPECT_EQ(fired, (std::vector<int64_t>{2, 7}));
}

TEST(Triggers, ScoreBelowAndClassFlip) {
  tinytb::ScoreBelow low{0.5f};
  EXPECT_TRUE(low.sample(at(0, 0.49f)));
  EXPECT_FALSE(low.sample(at(1, 0.5f)));
  EXPECT_TRUE(low.sample(at(2, NAN)));
  tinytb::ClassFlip flip;
  const int32_t labels[] = {1, 1, 2, 2, 1, -1, -1};
  const bool expected[] = {false, false, true, false, true, true, false};
  for (int i = 0; i < 7; ++i) EXPECT_EQ(flip.sample(at(i, 0, labels[i])), expected[i]) << i;
  EXPECT_EQ(flip.previous(), -1);
}

TEST(Sample, Top1DequantisesAndBreaksTiesLow) {
  const int8_t q[] = {-128, 20, 20, -5};
  const Sample s = Sample::top1(7, {q, 4, {0.5f, -28}});
  EXPECT_EQ(s.step, 7);
  EXPECT_EQ(s.label, 1);
  EXPECT_FLOAT_EQ(s.value, 24.0f);
  const float f[] = {NAN, 0.25f, 0.75f, NAN};
  const Sample sf = Sample::top1(1, {f, 4});
  EXPECT_EQ(sf.label, 2);
  EXPECT_FLOAT_EQ(sf.value, 0.75f);
  const Sample empty = Sample::top1(1, tinytb::Values{});
  EXPECT_EQ(empty.label, -1);
  EXPECT_TRUE(isnan(empty.value));
  const Sample bad_scale = Sample::top1(1, {q, 4, {0.0f, 0}});
  EXPECT_EQ(bad_scale.label, -1);
  const float nans[] = {NAN, NAN};
  EXPECT_EQ(Sample::top1(1, {nans, 2}).label, -1);
}

}  // namespace
