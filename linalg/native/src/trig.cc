// See trig.h. Both loops are written so that GCC emits calls to the vector variants of cos and sin.
#include "trig.h"
#include <cmath>

namespace spec_linalg {

__attribute__((target_clones("arch=x86-64-v3", "default")))
void scaledCosSin(const double* proj, size_t count, double scale, double* cosOut, double* sinOut) {
  // Two loops, not one: a fused loop becomes sincos, which GCC does not vectorise.
#pragma omp simd
  for (size_t i = 0; i < count; i++) cosOut[i] = scale * cos(proj[i]);
#pragma omp simd
  for (size_t i = 0; i < count; i++) sinOut[i] = scale * sin(proj[i]);
}

__attribute__((target_clones("arch=x86-64-v3", "default")))
void scaledCosSin(const double* proj, size_t count, double scale, float* cosOut, float* sinOut) {
#pragma omp simd
  for (size_t i = 0; i < count; i++) cosOut[i] = float(scale * cos(proj[i]));
#pragma omp simd
  for (size_t i = 0; i < count; i++) sinOut[i] = float(scale * sin(proj[i]));
}

__attribute__((target_clones("arch=x86-64-v3", "default")))
void scaledCosSin(const float* proj, const double* phase, size_t count, double scale, double* cosOut,
                  double* sinOut) {
#pragma omp simd
  for (size_t i = 0; i < count; i++) cosOut[i] = scale * cos(double(proj[i]) + phase[i]);
#pragma omp simd
  for (size_t i = 0; i < count; i++) sinOut[i] = scale * sin(double(proj[i]) + phase[i]);
}

__attribute__((target_clones("arch=x86-64-v3", "default")))
void scaledCosSin(const float* proj, const double* phase, size_t count, double scale, float* cosOut, float* sinOut) {
#pragma omp simd
  for (size_t i = 0; i < count; i++) cosOut[i] = float(scale * cos(double(proj[i]) + phase[i]));
#pragma omp simd
  for (size_t i = 0; i < count; i++) sinOut[i] = float(scale * sin(double(proj[i]) + phase[i]));
}

}  // namespace spec_linalg
