// SPDX-License-Identifier: GPL-2.0
/*
 * A guest kernel hands the host bad segments (PV_HC_SET_TLS, PV_HC_SET_LDT,
 * ERETU frames).  What could lead out of ring 3 (a call gate, a segment of
 * privilege 0) is refused with -EINVAL and installs nothing; an LDT too
 * big or not readable is refused; a selector whose descriptor went away
 * is nulled on the next entry rather than loaded (the switcher would
 * fault); ERETU to 32-bit code beyond 4 GiB or with a kernel selector is
 * refused, and one whose descriptor the CPU refuses (a data segment as
 * CS, a code segment not present) gives the guest a #GP from user mode,
 * never a stopped VM.  What is good works: TLS and LDT selectors load and
 * survive exits, the host sets their accessed bits, and 32-bit user code
 * runs and its INT $0x80 arrives from CS 0x23, not in 64-bit mode.
 */
#include "lib/pv_guest.h"

#define USER_CODE	0x400000UL
#define USER_STACK	0x600000UL
#define MiB		(1UL << 20)

#define TYPE_DATA_RW	0x2
#define TYPE_CODE_RX	0xa
#define FRED_SS_LM	(1UL << 57)

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static unsigned char kstack[16384] __attribute__((aligned(16)));
static unsigned long ldt[PV_LDT_ENTRIES] __attribute__((aligned(4096)));

/* A flat code or data descriptor: base 0, 4 GiB. */
static unsigned long seg(unsigned int type, unsigned int dpl, int present,
			 int l, int db)
{
	return 0xffffUL | 0xfUL << 48 | (unsigned long)type << 40 | 1UL << 44 |
	       (unsigned long)dpl << 45 | (unsigned long)present << 47 |
	       (unsigned long)l << 53 | (unsigned long)db << 54 | 1UL << 55;
}

/* The low half of a call gate of privilege 3 into the kernel's CS. */
static unsigned long call_gate(void)
{
	return 0x1000UL | (unsigned long)PV_KERNEL_CS << 16 | 0xcUL << 40 |
	       3UL << 45 | 1UL << 47;
}

static unsigned long lsl(unsigned long sel, int *ok)
{
	unsigned long limit = 0;
	unsigned char z;

	asm volatile("lsl %2, %0; setz %1" : "+r" (limit), "=q" (z) : "r" (sel));
	*ok = z;
	return limit;
}

static unsigned long lar(unsigned long sel)
{
	unsigned long ar = 0;

	asm volatile("lar %1, %0" : "+r" (ar) : "r" (sel) : "cc");
	return ar;
}

static unsigned short ds_sel(void)
{
	unsigned short s;

	asm volatile("mov %%ds, %0" : "=r" (s));
	return s;
}

static unsigned short gs_sel(void)
{
	unsigned short s;

	asm volatile("mov %%gs, %0" : "=r" (s));
	return s;
}

/* An exit and an entry: the switcher loads the data selectors anew. */
static void exit_and_enter(void)
{
	hypercall0(PV_HC_GET_FEATURES);
}

/* 32-bit user code: INT $0x80 (a #GP on its gate: a software interrupt). */
extern char user32_code[], user32_code_end[];
asm(".pushsection .text\n"
    "user32_code:\n"
    ".code32\n"
    "	mov $20, %eax\n"
    "	int $0x80\n"
    "	ud2\n"
    ".code64\n"
    "user32_code_end:\n"
    ".popsection\n");

static struct {
	unsigned long type, vector, cs, ss, rip;
} seen;
static unsigned int kernel_gps, user_events;

/* A refused ERETU: the #GP is at its SYSCALL; go on after it. */
void event_handler(struct pv_event_frame *f)
{
	if ((f->ss >> 32 & 0xff) == 13) {
		kernel_gps++;
		f->rip += 2;
	}
}

int user_event_handler(struct pv_event_frame *f, unsigned long *regs)
{
	(void)regs;
	user_events++;
	seen.type = f->ss >> 48 & 0xf;
	seen.vector = f->ss >> 32 & 0xff;
	seen.cs = f->cs & 0xffff;
	seen.ss = f->ss;
	seen.rip = f->rip;
	shared.rsp0 = (unsigned long)kstack + sizeof(kstack);
	return 1;			/* back to the kernel, every time */
}

static void map_user(void)
{
	unsigned long code = 56 * MiB + 3 * 4096, stack = code + 4096, *upt;

	upt = user_page_table(USER_CODE, 56 * MiB);
	upt[0] = code | 5;
	upt[(USER_STACK - USER_CODE) >> 12] = stack | 7;
	memcpy(phys(code), user32_code, user32_code_end - user32_code);
}

/* ERETU with @cs, @ss at @rip: 0 and one user event, or -1 and a #GP. */
static long user_run(unsigned long rip, unsigned long cs, unsigned long ss)
{
	long ret;

	user_events = kernel_gps = 0;
	seen.vector = ~0UL;
	shared.rsp0 = (unsigned long)kstack + sizeof(kstack);
	ret = enter_user_segs(rip, USER_STACK + 4096, cs, ss);
	printk("ERETU cs %lx ss %lx rip %lx: %ld, user event %lu/%lu from cs %lx, kernel #GPs %u\n",
	       cs, ss, rip, ret, seen.type, seen.vector, seen.cs, kernel_gps);
	return ret;
}

static void tls(void)
{
	unsigned long good = seg(TYPE_DATA_RW, 3, 1, 0, 1);
	unsigned short sel = (PV_TLS_FIRST + 1) * 8 + 3;

	check(hypercall6(PV_HC_SET_TLS, call_gate(), 0, 0, 0, 0, 0) == -PV_EINVAL);
	check(hypercall6(PV_HC_SET_TLS, 0, seg(TYPE_DATA_RW, 0, 1, 0, 1), 0, 0, 0, 0) == -PV_EINVAL);
	check(hypercall6(PV_HC_SET_TLS, 0, good, 0, 0, 0, 0) == 0);
	asm volatile("mov %0, %%gs" : : "r" (sel));
	exit_and_enter();
	check(gs_sel() == sel);
	check(lar(sel) & 0x100);		/* the host set "accessed" */
	/* A refused call changes nothing: the good descriptor stays. */
	check(hypercall6(PV_HC_SET_TLS, 0, call_gate(), 0, 0, 0, 0) == -PV_EINVAL);
	check(gs_sel() == sel);
	/* Gone: the switcher cannot load it, so the guest has a null GS. */
	check(hypercall6(PV_HC_SET_TLS, 0, 0, 0, 0, 0, 0) == 0);
	check(gs_sel() == 0);
	printk("TLS: refused what leads out of ring 3, kept and nulled GS\n");
}

static void ldts(void)
{
	unsigned long last = (PV_LDT_ENTRIES - 1) * 8 + 7;
	int ok;

	check(hypercall2(PV_HC_SET_LDT, (unsigned long)ldt, PV_LDT_ENTRIES + 1) == -PV_EINVAL);
	check(hypercall2(PV_HC_SET_LDT, 0x1000, 1) == -PV_EFAULT);
	check(hypercall2(PV_HC_SET_LDT, 0xffff800000000000UL, 1) == -PV_EFAULT);
	ldt[0] = seg(TYPE_DATA_RW, 3, 1, 0, 1);
	ldt[1] = call_gate();
	ldt[2] = 0;
	check(hypercall2(PV_HC_SET_LDT, (unsigned long)ldt, 3) == -PV_EINVAL);
	lsl(0x7, &ok);
	check(!ok);				/* no LDT after a refusal */
	ldt[1] = seg(TYPE_CODE_RX, 0, 1, 0, 1);
	check(hypercall2(PV_HC_SET_LDT, (unsigned long)ldt, 2) == -PV_EINVAL);

	ldt[1] = seg(TYPE_CODE_RX, 3, 1, 0, 1);		/* 0x0f: 32-bit code */
	ldt[2] = seg(TYPE_CODE_RX, 3, 0, 0, 1);		/* 0x17: not present */
	ldt[3] = seg(TYPE_CODE_RX, 3, 1, 1, 0);		/* 0x1f: 64-bit code */
	ldt[PV_LDT_ENTRIES - 1] = seg(TYPE_DATA_RW, 3, 1, 0, 1);
	check(hypercall2(PV_HC_SET_LDT, (unsigned long)ldt, PV_LDT_ENTRIES) == 0);
	/* A copy: what the guest writes now changes nothing. */
	ldt[0] = call_gate();
	check(lsl(0x7, &ok) == 0xffffffffUL && ok);
	check(lsl(last, &ok) == 0xffffffffUL && ok);
	check(lar(0x7) & 0x100);
	asm volatile("mov %0, %%ds" : : "r" (0x7));
	exit_and_enter();
	check(ds_sel() == 0x7);
	/* Four entries from here: 0x1007 (entry 512) is beyond the LDT. */
	ldt[0] = seg(TYPE_DATA_RW, 3, 1, 0, 1);
	check(hypercall2(PV_HC_SET_LDT, (unsigned long)ldt, 4) == 0);
	lsl(0x1007, &ok);
	check(!ok);
	printk("LDT: %u entries, refused what leads out of ring 3\n", PV_LDT_ENTRIES);
}

static void eretu(void)
{
	/* 32-bit user code: INT $0x80 comes from CS 0x23, not 64-bit. */
	check(user_run(USER_CODE, PV_USER32_CS, PV_USER_DS) == 0);
	check(seen.type == PV_EVENT_SWINT && seen.vector == 0x80);
	check(seen.cs == PV_USER32_CS && !(seen.ss & FRED_SS_LM));
	check(user_run(USER_CODE, 0x0f, PV_USER_DS) == 0);	/* LDT code */
	check(seen.type == PV_EVENT_SWINT && seen.cs == 0x0f);
	/* A TLS code segment, where a process may far-jump too. */
	check(hypercall6(PV_HC_SET_TLS, seg(TYPE_CODE_RX, 3, 1, 0, 1), 0, 0, 0, 0, 0) == 0);
	check(user_run(USER_CODE, PV_TLS_FIRST * 8 + 3, PV_USER_DS) == 0);
	check(seen.type == PV_EVENT_SWINT && seen.cs == PV_TLS_FIRST * 8 + 3);
	check(hypercall6(PV_HC_SET_TLS, 0, 0, 0, 0, 0, 0) == 0);
	/* Refused: beyond 4 GiB for 32-bit code, kernel selectors. */
	check(user_run(1UL << 32, PV_USER32_CS, PV_USER_DS) == -1 && kernel_gps == 1);
	check(user_run(USER_CODE, PV_KERNEL_CS, PV_USER_DS) == -1 && kernel_gps == 1);
	check(user_run(USER_CODE, PV_USER_CS, PV_KERNEL_DS) == -1 && kernel_gps == 1);
	check(user_run(USER_CODE, 0x1000 | 7, PV_USER_DS) == -1 && kernel_gps == 1);
	/* The CPU refuses them at the IRETQ: a #GP from user mode. */
	check(user_run(USER_CODE, 0x07, PV_USER_DS) == 0);	/* data as CS */
	check(seen.type == PV_EVENT_HWEXC && seen.vector == 13);
	check(user_run(USER_CODE, 0x17, PV_USER_DS) == 0);	/* not present */
	check(seen.type == PV_EVENT_HWEXC && seen.vector == 13);
	check(user_run(USER_CODE, PV_USER32_CS, 0x17) == 0);	/* code as SS */
	check(seen.type == PV_EVENT_HWEXC && seen.vector == 13);
	printk("ERETU: 32-bit and LDT code ran, bad frames refused or #GP\n");
}

enum verdict test_main(void)
{
	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	map_user();
	tls();
	ldts();
	eretu();
	/* No LDT: the DS selector into it is nulled on the next entry. */
	check(hypercall2(PV_HC_SET_LDT, 0, 0) == 0);
	check(ds_sel() == 0);
	return SUCCESS;
}
