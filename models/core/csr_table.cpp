#include "core/csr_table.h"

#include <algorithm>

#include "support/hex.h"

namespace dojo::core {

namespace {

std::vector<CsrInfo> build_table() {
  std::vector<CsrInfo> table;
#define DOJO_CSR_INFO(name, number, access, unit, reset) \
  table.push_back({number, #name, CsrAccess::access, CsrUnit::unit, reset});
  DOJO_HART_CSRS(DOJO_CSR_INFO)
#undef DOJO_CSR_INFO
#define DOJO_CSR_FAMILY(prefix, first, count, index, stride, access)                         \
  for (unsigned i = 0; i < count; ++i) {                                                    \
    table.push_back({first + i * stride, #prefix + std::to_string(index + i * stride),      \
                     CsrAccess::access, CsrUnit::hart, 0});                                 \
  }
  DOJO_HART_CSR_FAMILIES(DOJO_CSR_FAMILY)
#undef DOJO_CSR_FAMILY
  std::sort(table.begin(), table.end(),
            [](const CsrInfo& a, const CsrInfo& b) { return a.number < b.number; });
  return table;
}

}  // namespace

const std::vector<CsrInfo>& all_csrs() {
  static const std::vector<CsrInfo> table = build_table();
  return table;
}

const CsrInfo* find_csr(unsigned number) {
  const std::vector<CsrInfo>& table = all_csrs();
  const auto found = std::lower_bound(
      table.begin(), table.end(), number,
      [](const CsrInfo& info, unsigned wanted) { return info.number < wanted; });
  return found != table.end() && found->number == number ? &*found : nullptr;
}

std::string csr_name(unsigned number) {
  const CsrInfo* info = find_csr(number);
  return info ? info->name : hex(number);
}

}  // namespace dojo::core
