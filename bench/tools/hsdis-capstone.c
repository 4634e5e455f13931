/*
 * A HotSpot disassembler plugin (hsdis) built on Capstone, so that -XX:CompileCommand=print shows
 * the machine code C2 generates for a kernel. Debian's libhsdis0-fcml exports only the old
 * decode_instructions entry point, which JDK 17+ does not call. Development tool only: the engine
 * never loads it. Built and installed by bench/tools/hsdis.sh.
 */
#include <capstone/capstone.h>
#include <stdint.h>
#include <stdio.h>
typedef void* (*event_cb)(void*, const char*, void*);
typedef int (*printf_cb)(void*, const char*, ...);
void* decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char* buffer, uintptr_t length,
    event_cb ev, void* ev_stream, printf_cb pr, void* pr_stream, const char* options, int newline) {
  csh h; cs_insn* insn;
  if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK) return NULL;
  size_t count = cs_disasm(h, buffer, length, start_va, 0, &insn);
  for (size_t i = 0; i < count; i++) {
    ev(ev_stream, "insn", (void*)(uintptr_t)insn[i].address);
    pr(pr_stream, "%s %s", insn[i].mnemonic, insn[i].op_str);
    ev(ev_stream, "/insn", (void*)(uintptr_t)(insn[i].address + insn[i].size));
    if (newline) pr(pr_stream, "\n");
  }
  if (count) cs_free(insn, count);
  cs_close(&h);
  return (void*)(start_va + length);
}
