#pragma once
// The special token ids every SentencePiece model here is trained with, and
// the only part of data/ that the networks in models/ may know.
namespace nmt::data {

constexpr int kPadId = 0;
constexpr int kUnkId = 1;
constexpr int kBosId = 2;
constexpr int kEosId = 3;

}  // namespace nmt::data
