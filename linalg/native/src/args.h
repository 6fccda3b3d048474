// Argument unpacking for the addon's functions: typed arrays are used in place (no copies); a wrong type or a
// too-short array throws a JS TypeError/RangeError naming the function and the argument.
#pragma once
#include <napi.h>
#include <cstddef>
#include <string>

namespace spec_linalg {

template <typename T>
struct ArrayArg {
  T* data = nullptr;
  size_t length = 0;
  bool ok = false;
};

template <typename T>
inline ArrayArg<T> arrayArg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name,
                            size_t needed) {
  ArrayArg<T> out;
  Napi::Env env = info.Env();
  constexpr napi_typedarray_type want = sizeof(T) == 8 ? napi_float64_array : napi_float32_array;
  if (i >= info.Length() || !info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != want) {
    Napi::TypeError::New(env, std::string(fn) + ": argument " + name + " must be a " +
                                  (sizeof(T) == 8 ? "Float64Array" : "Float32Array"))
        .ThrowAsJavaScriptException();
    return out;
  }
  Napi::TypedArrayOf<T> arr = info[i].As<Napi::TypedArrayOf<T>>();
  if (arr.ElementLength() < needed) {
    Napi::RangeError::New(env, std::string(fn) + ": argument " + name + " has " +
                                   std::to_string(arr.ElementLength()) + " elements, needs " + std::to_string(needed))
        .ThrowAsJavaScriptException();
    return out;
  }
  out.data = arr.Data();
  out.length = arr.ElementLength();
  out.ok = true;
  return out;
}

// Non-negative integer argument; returns -1 (with a pending exception) when invalid.
inline long long sizeArg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  if (i >= info.Length() || !info[i].IsNumber()) {
    Napi::TypeError::New(info.Env(), std::string(fn) + ": argument " + name + " must be a number")
        .ThrowAsJavaScriptException();
    return -1;
  }
  double v = info[i].As<Napi::Number>().DoubleValue();
  if (!(v >= 0) || v != static_cast<double>(static_cast<long long>(v)) || v > 2147483647.0) {
    Napi::RangeError::New(info.Env(), std::string(fn) + ": argument " + name + " = " + std::to_string(v) +
                                          " must be a non-negative 32-bit integer")
        .ThrowAsJavaScriptException();
    return -1;
  }
  return static_cast<long long>(v);
}

inline bool isFloat32(const Napi::Value& v) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_float32_array;
}

}  // namespace spec_linalg
