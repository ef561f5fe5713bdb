// RISC-V ELF64 reader on libelf (elfutils). Every field that comes from the file is checked
// before it is used, so a damaged or hostile image gives a LoaderError, never a crash.
#include "elf_loader.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "support/hex.h"

namespace dojo::platform {
namespace {

std::string machine_name(unsigned machine) {
  switch (machine) {
    case EM_NONE: return "none";
    case EM_386: return "x86";
    case EM_ARM: return "ARM";
    case EM_X86_64: return "x86-64";
    case EM_AARCH64: return "AArch64";
    case EM_PPC64: return "PowerPC64";
    case EM_MIPS: return "MIPS";
    default: return "unknown";
  }
}

std::string type_name(unsigned type) {
  switch (type) {
    case ET_NONE: return "ET_NONE, no file type";
    case ET_REL: return "ET_REL, a relocatable object: link it first";
    case ET_DYN: return "ET_DYN, a shared object or position-independent executable";
    case ET_CORE: return "ET_CORE, a core dump";
    default: return std::to_string(type);
  }
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

using ElfHandle = std::unique_ptr<Elf, decltype(&elf_end)>;

// Reads one image; `fail` builds the LoaderError that names the file.
class Reader {
 public:
  explicit Reader(const std::string& path) : path_(path) {}

  ElfImage read() {
    const FileDescriptor file(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
    if (file.get() < 0) throw fail(std::string("cannot open: ") + std::strerror(errno));
    struct stat status {};
    if (::fstat(file.get(), &status) != 0)
      throw fail(std::string("cannot read: ") + std::strerror(errno));
    if (!S_ISREG(status.st_mode)) throw fail("not a regular file");
    if (status.st_size == 0) throw fail("file is empty");
    file_size_ = static_cast<uint64_t>(status.st_size);

    if (elf_version(EV_CURRENT) == EV_NONE) throw fail(libelf_problem("libelf"));
    const ElfHandle elf(elf_begin(file.get(), ELF_C_READ_MMAP, nullptr), &elf_end);
    if (!elf || elf_kind(elf.get()) != ELF_K_ELF) throw fail(not_elf_problem(file.get(), !elf));
    size_t mapped_size = 0;
    file_ = elf_rawfile(elf.get(), &mapped_size);
    if (file_ == nullptr || mapped_size != file_size_)
      throw fail(libelf_problem("cannot read the whole file"));

    const GElf_Ehdr header = check_header(elf.get());
    ElfImage image;
    image.path = path_;
    image.entry = header.e_entry;
    image.segments = read_segments(elf.get(), header);
    check_section_table(elf.get(), header);
    read_symbols(elf.get(), image);
    read_platform_record(elf.get(), image);
    return image;
  }

 private:
  LoaderError fail(const std::string& problem) const { return LoaderError(path_ + ": " + problem); }

  static std::string libelf_problem(const std::string& what) {
    const char* message = elf_errmsg(-1);
    return what + " (libelf: " + (message != nullptr ? message : "unknown error") + ")";
  }

  std::string truncated(const std::string& what, uint64_t begin, uint64_t size) const {
    uint64_t end = 0;
    const std::string range = __builtin_add_overflow(begin, size, &end)
                                  ? hex(size) + " bytes at " + hex(begin)
                                  : "bytes " + hex(begin) + "-" + hex(end);
    return "truncated: " + what + " needs " + range + " but the file has " + hex(file_size_) +
           " bytes";
  }

  // Checks that [offset, offset + size) lies inside the file.
  void require_in_file(const std::string& what, uint64_t offset, uint64_t size) const {
    uint64_t end = 0;
    if (__builtin_add_overflow(offset, size, &end) || end > file_size_)
      throw fail(truncated(what, offset, size));
  }

  // Why libelf refused the file (`libelf_failed`) or did not take it for ELF: looks at the
  // identification bytes, since a cut-off or 32-bit header deserves a precise message.
  std::string not_elf_problem(int fd, bool libelf_failed) const {
    unsigned char ident[EI_NIDENT] = {};
    const ssize_t got = ::pread(fd, ident, sizeof ident, 0);
    if (got < SELFMAG || std::memcmp(ident, ELFMAG, SELFMAG) != 0) return "not an ELF file";
    if (got < EI_NIDENT) return truncated("the ELF identification", 0, EI_NIDENT);
    if (ident[EI_CLASS] == ELFCLASS32) return elf32_problem;
    if (ident[EI_CLASS] == ELFCLASS64 && file_size_ < sizeof(Elf64_Ehdr))
      return truncated("the ELF header", 0, sizeof(Elf64_Ehdr));
    if (libelf_failed) return libelf_problem("unreadable ELF file");
    return "not an ELF file (invalid class, byte order or version in the identification bytes)";
  }

  GElf_Ehdr check_header(Elf* elf) const {
    const int elf_class = gelf_getclass(elf);
    if (elf_class == ELFCLASS32) throw fail(elf32_problem);
    if (elf_class != ELFCLASS64) throw fail("unknown ELF class " + std::to_string(elf_class));
    GElf_Ehdr header;
    if (gelf_getehdr(elf, &header) == nullptr) throw fail(libelf_problem("bad ELF header"));
    if (header.e_ident[EI_DATA] != ELFDATA2LSB)
      throw fail("big-endian ELF (ELFDATA2MSB); dojo-vp runs little-endian RV64 images");
    if (header.e_machine != EM_RISCV)
      throw fail("machine is " + machine_name(header.e_machine) + " (" +
                 std::to_string(header.e_machine) + "), not RISC-V");
    if (header.e_type != ET_EXEC)
      throw fail("not an executable (ET_EXEC): type is " + type_name(header.e_type));
    return header;
  }

  // Checks that a header table (`count` entries of `entry_size` bytes at `offset`) fits in the
  // file. libelf silently shortens a cut-off table, which would hide a truncated file.
  void check_table(const std::string& what, uint64_t offset, uint64_t count,
                   uint64_t declared_entry_size, uint64_t entry_size) const {
    if (count == 0) return;
    if (declared_entry_size != entry_size)
      throw fail(what + ": entry size is " + std::to_string(declared_entry_size) + ", not " +
                 std::to_string(entry_size));
    require_in_file(what, offset, count * entry_size);
  }

  // The section header table is only needed for symbols, but a cut-off one means a cut-off file.
  void check_section_table(Elf* elf, const GElf_Ehdr& header) const {
    size_t count = 0;
    if (elf_getshdrnum(elf, &count) != 0) throw fail(libelf_problem("bad section header count"));
    if (header.e_shoff == 0) return;
    // e_shnum == 0 with a table means more than SHN_LORESERVE sections, counted in section 0.
    check_table("the section header table", header.e_shoff,
                header.e_shnum != 0 ? header.e_shnum : count, header.e_shentsize,
                sizeof(Elf64_Shdr));
  }

  std::vector<ElfImage::Segment> read_segments(Elf* elf, const GElf_Ehdr& header) const {
    size_t count = 0;
    if (elf_getphdrnum(elf, &count) != 0)
      throw fail(libelf_problem("bad program header count"));
    // e_phnum == PN_XNUM means the count is in section 0; otherwise trust the header's count.
    check_table("the program header table", header.e_phoff,
                header.e_phnum != PN_XNUM ? header.e_phnum : count, header.e_phentsize,
                sizeof(Elf64_Phdr));
    std::vector<ElfImage::Segment> segments;
    uint64_t total_size = 0;
    for (size_t index = 0; index < count; ++index) {
      GElf_Phdr program;
      if (gelf_getphdr(elf, static_cast<int>(index), &program) == nullptr)
        throw fail(libelf_problem("bad program header " + std::to_string(index)));
      if (program.p_type != PT_LOAD || program.p_memsz == 0) continue;
      const std::string name = "segment " + std::to_string(index);
      if (program.p_filesz > program.p_memsz)
        throw fail(name + ": file size " + hex(program.p_filesz) + " exceeds memory size " +
                   hex(program.p_memsz));
      require_in_file(name, program.p_offset, program.p_filesz);
      uint64_t end = 0;
      if (__builtin_add_overflow(program.p_paddr, program.p_memsz, &end))
        throw fail(name + " at " + hex(program.p_paddr) + " (size " + hex(program.p_memsz) +
                   ") runs past the end of the address space");
      if (program.p_memsz > max_image_bytes - total_size)
        throw fail(name + ": the image needs more than " + hex(max_image_bytes) +
                   " bytes of memory; the file is damaged or not a firmware image");
      total_size += program.p_memsz;
      ElfImage::Segment segment{program.p_paddr, std::vector<uint8_t>(program.p_memsz),
                                program.p_filesz};
      std::memcpy(segment.bytes.data(), file_ + program.p_offset, program.p_filesz);
      segments.push_back(std::move(segment));
    }
    if (segments.empty()) throw fail("no loadable segments");
    check_overlaps(segments);
    return segments;
  }

  void check_overlaps(const std::vector<ElfImage::Segment>& segments) const {
    std::vector<std::pair<uint64_t, uint64_t>> ranges;  // begin, end
    for (const auto& segment : segments)
      ranges.emplace_back(segment.address, segment.address + segment.bytes.size());
    std::sort(ranges.begin(), ranges.end());
    for (size_t i = 1; i < ranges.size(); ++i)
      if (ranges[i - 1].second > ranges[i].first)
        throw fail("segments " + hex(ranges[i - 1].first) + "-" + hex(ranges[i - 1].second) +
                   " and " + hex(ranges[i].first) + "-" + hex(ranges[i].second) + " overlap");
  }

  // The SDK's record of the platform the program was built for, if it has one.
  void read_platform_record(Elf* elf, ElfImage& image) const {
    size_t names = 0;
    if (elf_getshdrstrndx(elf, &names) != 0) return;  // no section names: no record
    for (Elf_Scn* section = elf_nextscn(elf, nullptr); section != nullptr;
         section = elf_nextscn(elf, section)) {
      GElf_Shdr section_header;
      if (gelf_getshdr(section, &section_header) == nullptr)
        throw fail(libelf_problem("bad section header"));
      const char* name = elf_strptr(elf, names, section_header.sh_name);
      if (name == nullptr || std::strcmp(name, ".dojo.platform") != 0) continue;
      if (section_header.sh_size > max_platform_record_bytes)
        throw fail("the .dojo.platform section has " + hex(section_header.sh_size) +
                   " bytes, more than " + hex(max_platform_record_bytes) + ": the file is damaged");
      Elf_Data* data = elf_getdata(section, nullptr);
      if (data == nullptr || data->d_buf == nullptr)
        throw fail(libelf_problem("bad .dojo.platform section"));
      const char* bytes = static_cast<const char*>(data->d_buf);
      image.platform_record = std::string(bytes, strnlen(bytes, data->d_size));
      return;
    }
  }

  // Spike's HTIF symbols; an image without a symbol table simply has none.
  void read_symbols(Elf* elf, ElfImage& image) const {
    for (Elf_Scn* section = elf_nextscn(elf, nullptr); section != nullptr;
         section = elf_nextscn(elf, section)) {
      GElf_Shdr section_header;
      if (gelf_getshdr(section, &section_header) == nullptr)
        throw fail(libelf_problem("bad section header"));
      if (section_header.sh_type != SHT_SYMTAB) continue;
      Elf_Data* data = elf_getdata(section, nullptr);
      if (data == nullptr) throw fail(libelf_problem("bad symbol table"));
      const size_t count = data->d_size / sizeof(Elf64_Sym);
      for (size_t index = 0; index < count; ++index) {
        GElf_Sym symbol;
        if (gelf_getsym(data, static_cast<int>(index), &symbol) == nullptr ||
            symbol.st_shndx == SHN_UNDEF)
          continue;
        const char* name = elf_strptr(elf, section_header.sh_link, symbol.st_name);
        if (name == nullptr) continue;
        if (std::strcmp(name, "tohost") == 0) image.tohost = symbol.st_value;
        if (std::strcmp(name, "fromhost") == 0) image.fromhost = symbol.st_value;
        if (std::strcmp(name, "begin_signature") == 0) image.begin_signature = symbol.st_value;
        if (std::strcmp(name, "end_signature") == 0) image.end_signature = symbol.st_value;
      }
      return;
    }
  }

  static constexpr const char* elf32_problem = "32-bit ELF (ELFCLASS32); dojo-vp runs RV64 images";

  const std::string path_;
  uint64_t file_size_ = 0;
  const char* file_ = nullptr;  // the whole file, mapped by libelf
};

}  // namespace

ElfImage read_elf(const std::string& path) { return Reader(path).read(); }

void load_elf(const ElfImage& image, const MemoryWriter& write) {
  for (const ElfImage::Segment& segment : image.segments)
    if (!write(segment.address, segment.bytes.data(), segment.bytes.size()))
      throw LoaderError(image.path + ": segment " + hex(segment.address) + "-" +
                        hex(segment.address + segment.bytes.size()) + " lies outside memory");
}

}  // namespace dojo::platform
