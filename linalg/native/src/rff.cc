// Random Fourier features: per block of rows, X_b W by dgemm in f64 (f32 rows widened first), then the scaled
// cos/sin written straight into the caller's output array.
#include <cblas.h>
#include <algorithm>
#include <cmath>
#include <vector>
#include "args.h"
#include "ops.h"
#include "trig.h"

namespace spec_linalg {

namespace {
constexpr size_t kBlockRows = 256;

template <typename TX, typename TO>
void rffBlocks(const TX* x, size_t rows, size_t d, const double* omega, size_t m, TO* out) {
  thread_local std::vector<double> proj;
  thread_local std::vector<double> wide;
  const size_t block = std::min(rows, kBlockRows);
  if (proj.size() < block * m) proj.resize(block * m);
  const double scale = 1.0 / std::sqrt(double(m));
  for (size_t r0 = 0; r0 < rows; r0 += kBlockRows) {
    const size_t rb = std::min(kBlockRows, rows - r0);
    const double* xb;
    if constexpr (sizeof(TX) == sizeof(double)) {
      xb = x + r0 * d;
    } else {
      if (wide.size() < block * d) wide.resize(block * d);
      const TX* src = x + r0 * d;
      for (size_t i = 0; i < rb * d; i++) wide[i] = double(src[i]);
      xb = wide.data();
    }
    if (d > 0) {
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(rb), int(m), int(d), 1.0, xb, int(d), omega, int(m),
                  0.0, proj.data(), int(m));
    } else {
      std::fill(proj.begin(), proj.begin() + rb * m, 0.0);
    }
    for (size_t r = 0; r < rb; r++) {
      TO* o = out + (r0 + r) * 2 * m;
      scaledCosSin(proj.data() + r * m, m, scale, o, o + m);
    }
  }
}
}  // namespace

// rff(x, rows, d, omega, m, out): x rows x d (f32|f64), omega d x m (f64), out rows x 2m (f32|f64).
Napi::Value Rff(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  long long rows = sizeArg(info, 1, "rff", "rows");
  if (rows < 0) return env.Undefined();
  long long d = sizeArg(info, 2, "rff", "d");
  if (d < 0) return env.Undefined();
  long long m = sizeArg(info, 4, "rff", "m");
  if (m < 0) return env.Undefined();
  if (rows == 0 || m == 0) return env.Undefined();
  auto omega = arrayArg<double>(info, 3, "rff", "omega", size_t(d) * size_t(m));
  if (!omega.ok) return env.Undefined();
  const size_t nx = size_t(rows) * size_t(d), no = size_t(rows) * 2 * size_t(m);
  const bool x32 = info.Length() > 0 && isFloat32(info[0]);
  const bool o32 = info.Length() > 5 && isFloat32(info[5]);
  if (x32) {
    auto x = arrayArg<float>(info, 0, "rff", "x", nx);
    if (!x.ok) return env.Undefined();
    if (o32) {
      auto o = arrayArg<float>(info, 5, "rff", "out", no);
      if (o.ok) rffBlocks(x.data, size_t(rows), size_t(d), omega.data, size_t(m), o.data);
    } else {
      auto o = arrayArg<double>(info, 5, "rff", "out", no);
      if (o.ok) rffBlocks(x.data, size_t(rows), size_t(d), omega.data, size_t(m), o.data);
    }
  } else {
    auto x = arrayArg<double>(info, 0, "rff", "x", nx);
    if (!x.ok) return env.Undefined();
    if (o32) {
      auto o = arrayArg<float>(info, 5, "rff", "out", no);
      if (o.ok) rffBlocks(x.data, size_t(rows), size_t(d), omega.data, size_t(m), o.data);
    } else {
      auto o = arrayArg<double>(info, 5, "rff", "out", no);
      if (o.ok) rffBlocks(x.data, size_t(rows), size_t(d), omega.data, size_t(m), o.data);
    }
  }
  return env.Undefined();
}

}  // namespace spec_linalg
