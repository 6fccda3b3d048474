// Scaled cos/sin of a row of projections, compiled separately with -ffast-math so the loop vectorises through
// glibc's libmvec (and an AVX2+FMA clone is picked at load time where the CPU has it).
#pragma once
#include <cstddef>

namespace spec_linalg {

void scaledCosSin(const double* proj, size_t count, double scale, double* cosOut, double* sinOut);
void scaledCosSin(const double* proj, size_t count, double scale, float* cosOut, float* sinOut);
// Projections from the single-precision route, of centred rows: the argument is double(proj[i]) + phase[i]
// (phase = c^T W in double), cos/sin evaluated in double.
void scaledCosSin(const float* proj, const double* phase, size_t count, double scale, double* cosOut,
                  double* sinOut);
void scaledCosSin(const float* proj, const double* phase, size_t count, double scale, float* cosOut, float* sinOut);

}  // namespace spec_linalg
