// The number of members of an aggregate (a base class counts as one), found by initialising it
// from ever more values that convert to anything, as Boost.PFR does: a new member changes it,
// whatever the standard library's layout of the members' types.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

namespace dojo::test {

struct AnyMember {
  template <typename T>
  constexpr operator T&() const noexcept;  // never defined: only used in unevaluated contexts
};

template <typename T, typename Indices, typename = void>
struct initializable_from : std::false_type {};
template <typename T, size_t... I>
struct initializable_from<T, std::index_sequence<I...>,
                          std::void_t<decltype(T{(void(I), AnyMember{})...})>>
    : std::true_type {};

template <typename T, size_t known = 0>
constexpr size_t field_count() {
  if constexpr (initializable_from<T, std::make_index_sequence<known + 1>>::value)
    return field_count<T, known + 1>();
  else
    return known;
}

}  // namespace dojo::test
