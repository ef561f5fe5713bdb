// ELF loader: a minimal RISC-V ELF64 image is built here byte by byte, then damaged in every way
// the loader must refuse, and fuzzed.
#include <elf.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>

#include "elf_loader.h"
#include "temp_dir.h"

using dojo::platform::ElfImage;
using dojo::platform::load_elf;
using dojo::platform::LoaderError;
using dojo::platform::read_elf;
namespace fs = std::filesystem;

namespace {

// Layout of the test image: header, two program headers, the two segments' file bytes, a symbol
// table with tohost and fromhost, its string table, and the section headers.
constexpr uint64_t text_offset = 0x100;
constexpr uint64_t text_address = 0x8000'0000;
constexpr uint64_t text_size = 16;
constexpr uint64_t data_offset = text_offset + text_size;
constexpr uint64_t data_address = 0x8000'1000;
constexpr uint64_t data_file_size = 8;
constexpr uint64_t data_memory_size = 0x20;  // the rest is zero-filled
constexpr uint64_t symtab_offset = data_offset + data_file_size;
constexpr char strtab_text[] = "\0tohost\0fromhost";  // names at 1 and 8
constexpr uint64_t strtab_offset = symtab_offset + 3 * sizeof(Elf64_Sym);
constexpr uint64_t section_headers_offset = (strtab_offset + sizeof strtab_text + 7) & ~7ull;
constexpr uint64_t image_size = section_headers_offset + 3 * sizeof(Elf64_Shdr);
constexpr uint64_t tohost_address = data_address;
constexpr uint64_t fromhost_address = data_address + 8;
constexpr uint64_t entry_address = text_address + 4;

uint8_t text_byte(uint64_t i) { return static_cast<uint8_t>(0x10 + i); }
uint8_t data_byte(uint64_t i) { return static_cast<uint8_t>(0xa0 + i); }

template <typename T>
void put(std::vector<uint8_t>& image, uint64_t offset, const T& value) {
  std::memcpy(image.data() + offset, &value, sizeof value);
}

template <typename T>
T get(const std::vector<uint8_t>& image, uint64_t offset) {
  T value;
  std::memcpy(&value, image.data() + offset, sizeof value);
  return value;
}

std::vector<uint8_t> valid_image() {
  std::vector<uint8_t> image(image_size, 0);

  Elf64_Ehdr header{};
  std::memcpy(header.e_ident, ELFMAG, SELFMAG);
  header.e_ident[EI_CLASS] = ELFCLASS64;
  header.e_ident[EI_DATA] = ELFDATA2LSB;
  header.e_ident[EI_VERSION] = EV_CURRENT;
  header.e_type = ET_EXEC;
  header.e_machine = EM_RISCV;
  header.e_version = EV_CURRENT;
  header.e_entry = entry_address;
  header.e_phoff = sizeof(Elf64_Ehdr);
  header.e_shoff = section_headers_offset;
  header.e_ehsize = sizeof(Elf64_Ehdr);
  header.e_phentsize = sizeof(Elf64_Phdr);
  header.e_phnum = 2;
  header.e_shentsize = sizeof(Elf64_Shdr);
  header.e_shnum = 3;
  header.e_shstrndx = SHN_UNDEF;
  put(image, 0, header);

  Elf64_Phdr text{};
  text.p_type = PT_LOAD;
  text.p_flags = PF_R | PF_X;
  text.p_offset = text_offset;
  text.p_vaddr = text.p_paddr = text_address;
  text.p_filesz = text.p_memsz = text_size;
  text.p_align = 4;
  put(image, sizeof(Elf64_Ehdr), text);
  Elf64_Phdr data = text;
  data.p_flags = PF_R | PF_W;
  data.p_offset = data_offset;
  data.p_vaddr = data.p_paddr = data_address;
  data.p_filesz = data_file_size;
  data.p_memsz = data_memory_size;
  put(image, sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr), data);
  for (uint64_t i = 0; i < text_size; ++i) image[text_offset + i] = text_byte(i);
  for (uint64_t i = 0; i < data_file_size; ++i) image[data_offset + i] = data_byte(i);

  Elf64_Sym tohost{};
  tohost.st_name = 1;
  tohost.st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT);
  tohost.st_shndx = SHN_ABS;
  tohost.st_value = tohost_address;
  tohost.st_size = 8;
  put(image, symtab_offset + sizeof(Elf64_Sym), tohost);
  Elf64_Sym fromhost = tohost;
  fromhost.st_name = 8;
  fromhost.st_value = fromhost_address;
  put(image, symtab_offset + 2 * sizeof(Elf64_Sym), fromhost);
  std::memcpy(image.data() + strtab_offset, strtab_text, sizeof strtab_text);

  Elf64_Shdr symtab{};
  symtab.sh_type = SHT_SYMTAB;
  symtab.sh_offset = symtab_offset;
  symtab.sh_size = 3 * sizeof(Elf64_Sym);
  symtab.sh_link = 2;
  symtab.sh_info = 1;  // index of the first global symbol
  symtab.sh_addralign = 8;
  symtab.sh_entsize = sizeof(Elf64_Sym);
  put(image, section_headers_offset + sizeof(Elf64_Shdr), symtab);
  Elf64_Shdr strtab{};
  strtab.sh_type = SHT_STRTAB;
  strtab.sh_offset = strtab_offset;
  strtab.sh_size = sizeof strtab_text;
  strtab.sh_addralign = 1;
  put(image, section_headers_offset + 2 * sizeof(Elf64_Shdr), strtab);
  return image;
}

// The valid image with `change` applied to its ELF header.
template <typename Change>
std::vector<uint8_t> with_header(Change change) {
  std::vector<uint8_t> image = valid_image();
  auto header = get<Elf64_Ehdr>(image, 0);
  change(header);
  put(image, 0, header);
  return image;
}

// The valid image with `change` applied to program header `index`.
template <typename Change>
std::vector<uint8_t> with_segment(int index, Change change) {
  std::vector<uint8_t> image = valid_image();
  const uint64_t offset = sizeof(Elf64_Ehdr) + index * sizeof(Elf64_Phdr);
  auto program = get<Elf64_Phdr>(image, offset);
  change(program);
  put(image, offset, program);
  return image;
}

std::string read_error(const std::string& path) {
  try {
    read_elf(path);
  } catch (const LoaderError& error) {
    return error.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("read_elf reads entry, segments with zero fill, and the HTIF symbols") {
  const TempDir dir;
  const ElfImage image = read_elf(dir.write("fw.elf", valid_image()));
  CHECK(image.entry == entry_address);
  REQUIRE(image.segments.size() == 2);
  CHECK(image.segments[0].address == text_address);
  REQUIRE(image.segments[0].bytes.size() == text_size);
  for (uint64_t i = 0; i < text_size; ++i) CHECK(image.segments[0].bytes[i] == text_byte(i));
  CHECK(image.segments[1].address == data_address);
  REQUIRE(image.segments[1].bytes.size() == data_memory_size);
  CHECK(image.segments[1].file_size == data_file_size);
  CHECK(image.segments[0].file_size == text_size);
  for (uint64_t i = 0; i < data_memory_size; ++i)
    CHECK(image.segments[1].bytes[i] == (i < data_file_size ? data_byte(i) : 0));
  CHECK(image.tohost == tohost_address);
  CHECK(image.fromhost == fromhost_address);
}

TEST_CASE("read_elf uses p_paddr, skips empty segments and needs no symbols") {
  const TempDir dir;
  std::vector<uint8_t> bytes = with_segment(0, [](Elf64_Phdr& p) { p.p_paddr = 0x9000'0000; });
  auto empty = get<Elf64_Phdr>(bytes, sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr));
  empty.p_filesz = empty.p_memsz = 0;
  put(bytes, sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr), empty);
  auto header = get<Elf64_Ehdr>(bytes, 0);
  header.e_shoff = 0;  // a stripped image: no section headers, so no symbols
  header.e_shnum = 0;
  put(bytes, 0, header);
  const ElfImage image = read_elf(dir.write("stripped.elf", bytes));
  REQUIRE(image.segments.size() == 1);
  CHECK(image.segments[0].address == 0x9000'0000);
  CHECK_FALSE(image.tohost.has_value());
  CHECK_FALSE(image.fromhost.has_value());
}

TEST_CASE("read_elf names the file and the problem") {
  const TempDir dir;
  const auto check = [&](const std::string& name, const std::vector<uint8_t>& bytes,
                         const std::string& problem) {
    const std::string path = dir.write(name, bytes);
    INFO(name);
    CHECK(read_error(path) == path + ": " + problem);
  };
  check("class32.elf", with_header([](Elf64_Ehdr& h) { h.e_ident[EI_CLASS] = ELFCLASS32; }),
        "32-bit ELF (ELFCLASS32); dojo-vp runs RV64 images");
  check("x86.elf", with_header([](Elf64_Ehdr& h) { h.e_machine = EM_X86_64; }),
        "machine is x86-64 (62), not RISC-V");
  check("big.elf", with_header([](Elf64_Ehdr& h) { h.e_ident[EI_DATA] = ELFDATA2MSB; }),
        "big-endian ELF (ELFDATA2MSB); dojo-vp runs little-endian RV64 images");
  check("object.o", with_header([](Elf64_Ehdr& h) { h.e_type = ET_REL; }),
        "not an executable (ET_EXEC): type is ET_REL, a relocatable object: link it first");
  check("no-load.elf", with_header([](Elf64_Ehdr& h) { h.e_phnum = 0; }), "no loadable segments");
  std::vector<uint8_t> notes = with_segment(0, [](Elf64_Phdr& p) { p.p_type = PT_NOTE; });
  put(notes, sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) + offsetof(Elf64_Phdr, p_type),
      Elf64_Word{PT_NOTE});
  check("notes.elf", notes, "no loadable segments");
  check("empty.elf", {}, "file is empty");
  const std::string script = "#!/bin/sh\necho this is not firmware\n";
  check("script.sh", std::vector<uint8_t>(script.begin(), script.end()), "not an ELF file");
  check("filesz.elf", with_segment(1, [](Elf64_Phdr& p) { p.p_filesz = 0x40; }),
        "segment 1: file size 0x40 exceeds memory size 0x20");
  check("overlap.elf", with_segment(1, [](Elf64_Phdr& p) { p.p_paddr = text_address + 8; }),
        "segments 0x80000000-0x80000010 and 0x80000008-0x80000028 overlap");
  check("wrap.elf", with_segment(1, [](Elf64_Phdr& p) { p.p_paddr = ~0ull - 0x10; }),
        "segment 1 at 0xffffffffffffffef (size 0x20) runs past the end of the address space");
  check("huge.elf", with_segment(1, [](Elf64_Phdr& p) { p.p_memsz = 1ull << 40; }),
        "segment 1: the image needs more than 0x10000000 bytes of memory; the file is damaged or "
        "not a firmware image");
  check("offset.elf", with_segment(0, [](Elf64_Phdr& p) { p.p_offset = ~0ull - 4; }),
        "truncated: segment 0 needs 0x10 bytes at 0xfffffffffffffffb but the file has 0x238 bytes");
  const std::string missing = (dir.path() / "missing.elf").string();
  CHECK(read_error(missing) == missing + ": cannot open: No such file or directory");
  const std::string folder = (dir.path() / "folder.elf").string();
  fs::create_directory(folder);
  CHECK(read_error(folder) == folder + ": not a regular file");
}

TEST_CASE("read_elf reports where a truncated file ends") {
  const TempDir dir;
  const std::vector<uint8_t> whole = valid_image();
  const auto error_at = [&](uint64_t length) {
    return read_error(dir.write("cut-" + std::to_string(length) + ".elf",
                                std::vector<uint8_t>(whole.begin(), whole.begin() + length)));
  };
  CHECK_THAT(error_at(10), Catch::Contains("truncated: the ELF identification needs bytes 0x0-0x10 "
                                          "but the file has 0xa bytes"));
  CHECK_THAT(error_at(40), Catch::Contains("truncated: the ELF header needs bytes 0x0-0x40 but the "
                                          "file has 0x28 bytes"));
  CHECK_THAT(error_at(100), Catch::Contains("truncated: the program header table needs bytes "
                                           "0x40-0xb0 but the file has 0x64 bytes"));
  CHECK_THAT(error_at(data_offset + 4),
             Catch::Contains("truncated: segment 1 needs bytes 0x110-0x118 but the file has "
                             "0x114 bytes"));
  CHECK_THAT(error_at(image_size - 8),
             Catch::Contains("truncated: the section header table needs bytes 0x178-0x238 but the "
                             "file has 0x230 bytes"));
}

TEST_CASE("load_elf writes every segment, zero fill included") {
  const TempDir dir;
  const ElfImage image = read_elf(dir.write("fw.elf", valid_image()));
  std::map<uint64_t, std::vector<uint8_t>> written;
  load_elf(image, [&](uint64_t address, const uint8_t* bytes, uint64_t length) {
    written[address].assign(bytes, bytes + length);
    return true;
  });
  REQUIRE(written.size() == 2);
  std::vector<uint8_t> data(data_memory_size, 0);
  for (uint64_t i = 0; i < data_file_size; ++i) data[i] = data_byte(i);
  CHECK(written[data_address] == data);
  REQUIRE(written[text_address].size() == text_size);
  CHECK(written[text_address][3] == text_byte(3));
}

TEST_CASE("load_elf names the file and the segment that has no memory") {
  const TempDir dir;
  const std::string path = dir.write("fw.elf", valid_image());
  const ElfImage image = read_elf(path);
  // Memory only where the text segment goes.
  const auto text_only = [](uint64_t address, const uint8_t*, uint64_t length) {
    return address >= text_address && address + length <= text_address + 0x1000;
  };
  CHECK_THROWS_WITH(load_elf(image, text_only),
                    path + ": segment 0x80001000-0x80001020 lies outside memory");
}

// Garbage, cut-off and damaged images: each one loads or gives a LoaderError, nothing else (a
// crash or another exception fails the test).
TEST_CASE("read_elf survives random, truncated and damaged images") {
  const TempDir dir;
  const std::vector<uint8_t> whole = valid_image();
  std::mt19937 random(20240611);
  const auto below = [&](uint64_t limit) {
    return std::uniform_int_distribution<uint64_t>(0, limit - 1)(random);
  };
  int loaded = 0;
  int refused = 0;
  for (int iteration = 0; iteration < 600; ++iteration) {
    std::vector<uint8_t> bytes;
    switch (iteration % 3) {
      case 0:  // random bytes, half of them behind a valid ELF64 identification
        bytes.resize(below(2 * image_size));
        for (auto& byte : bytes) byte = static_cast<uint8_t>(below(256));
        if (iteration % 2 == 0 && bytes.size() >= EI_NIDENT)
          std::copy(whole.begin(), whole.begin() + EI_NIDENT, bytes.begin());
        break;
      case 1:  // cut off anywhere
        bytes.assign(whole.begin(), whole.begin() + below(whole.size() + 1));
        break;
      default:  // a few bytes changed anywhere
        bytes = whole;
        for (uint64_t flips = 1 + below(8); flips > 0; --flips)
          bytes[below(bytes.size())] = static_cast<uint8_t>(below(256));
        break;
    }
    const std::string path = dir.write("fuzz.elf", bytes);
    try {
      const ElfImage image = read_elf(path);
      load_elf(image, [](uint64_t, const uint8_t*, uint64_t) { return true; });
      ++loaded;
    } catch (const LoaderError& error) {
      CHECK_THAT(error.what(), Catch::StartsWith(path + ": "));
      ++refused;
    }
  }
  // Both outcomes happen, so the loop really reached the checks and the loading path.
  CHECK(loaded > 0);
  CHECK(refused > 0);
}
