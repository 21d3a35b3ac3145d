/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvhost: VMs, their memory slots and their vCPUs.
 */
#ifndef PVHOST_VM_H
#define PVHOST_VM_H

#include <linux/mm_types.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/hrtimer.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <asm/fpu/api.h>
#include <asm/pgtable_types.h>

#include <pv/abi.h>
#include <pv/pvhost.h>

#include "compat.h"
#include "mmio_decode.h"
#include "switcher.h"

/* Pages a flush request names one by one; more become a full flush. */
#define PV_FLUSH_REQ_PAGES	16
/* An LDT of PV_LDT_ENTRIES descriptors fills this many pages. */
#define PV_LDT_PAGES		(PV_LDT_ENTRIES * 8 / PAGE_SIZE)

struct pv_vm;

/* Guest-physical memory: launcher memory, mapped on demand (memory.c). */
struct pv_memslot {
	u64 gpa;		/* first guest-physical byte */
	u64 npages;		/* 0: the slot is unused */
	unsigned long uaddr;	/* where the launcher has it */
	/* Host frames the shadow may map, one per guest page (memory.c). */
	u64 *frames;
	struct mmu_interval_notifier notifier;	/* on [uaddr, + npages pages) */
	struct pv_vm *vm;
};

struct pv_vcpu;

/*
 * A VM lives while its fd or any of its vCPU fds is open: each holds a
 * reference.  @lock serialises slot and vCPU creation against each other.
 */
struct pv_vm {
	refcount_t refs;
	struct mutex lock;	/* slots and vcpus[] */
	struct mm_struct *mm;	/* the launcher's, whose memory the guest's is */
	/* Frame caches against their notifiers (memory.c). */
	spinlock_t mmu_lock;
	/* Guest time 0 (the TSC at creation) and the pvclock scale. */
	u64 start_tsc;
	u32 tsc_mul;
	s8 tsc_shift;
	u64 id;			/* unique for the module's life, never 0 */
	bool lines_injected;	/* the launcher raises lines (devices) */
	unsigned int nr_vcpus;	/* created so far (under @lock) */
	unsigned int vcpu_id_limit;	/* the largest id created + 1 (under @lock) */
	atomic_t nr_vcpus_up;	/* not down (smp.c) */
	unsigned long nr_guest_pages;	/* in every slot; written under @lock */
	atomic_long_t nr_shadow_pages;	/* of every vCPU (mmu.c) */
	struct list_head irqfds;	/* struct pv_irqfd, under @lock */
	unsigned int nr_irqfds;
	/* The vCPU each device line is raised on (PV_HC_IRQ_BIND). */
	u8 line_vcpu[PV_NR_LINES];
	/* Console input from the launcher, until the guest reads it. */
	spinlock_t console_lock;
	unsigned int console_head, console_len;
	u8 console_in[PV_CONSOLE_MAX];
	struct pv_memslot slots[PV_MAX_MEMORY_SLOTS];
	struct pv_vcpu *vcpus[PV_MAX_VCPUS];
};

/*
 * A vCPU's life: vCPU 0 is created up; the others are created down and
 * stay so (PV_RUN waits) until another vCPU starts them with
 * PV_HC_VCPU_START.  CLAIMED keeps two starters apart while one writes
 * @start; STARTING hands @start to the vCPU's own thread.
 */
enum pv_vcpu_state {
	PV_VCPU_DOWN,
	PV_VCPU_CLAIMED,
	PV_VCPU_STARTING,
	PV_VCPU_UP,
};

struct pv_vcpu_start {
	u64 rip, rsp, cr3, arg;
};

/*
 * An address space the shadow MMU keeps, as a TLB keeps translations
 * per PCID: one guest PML4 loaded with one tag (mmu.c).
 */
#define PV_SHADOW_SPACES	8

struct pv_shadow_space {
	pgd_t *roots[2];	/* [0] supervisor, [1] user; NULL: unused */
	u64 cr3;		/* the guest PML4 */
	u64 last_used;		/* pv_vcpu.space_clock when last loaded */
	u16 pcid;
};

struct pv_vcpu {
	struct pv_vm *vm;	/* holds a reference */
	unsigned int id;
	atomic_t state;		/* enum pv_vcpu_state */
	struct pv_vcpu_start start;	/* valid in PV_VCPU_STARTING */
	struct mutex lock;	/* serialises the vCPU's ioctls */
	struct pv_run *run;	/* the page the launcher mmaps */
	struct pv_regs regs;
	u64 cr3;		/* guest-physical PML4 */
	u16 pcid;		/* the tag it was loaded with (mmu.c) */
	u64 fs_base, gs_base, kernel_gs_base;
	u16 fs_sel, gs_sel;	/* the guest's FS and GS selectors */
	u16 ds_sel, es_sel;	/* and its DS and ES */
	/* User mode's CS and SS: at its last exit, or as ERETU set them. */
	u16 user_cs, user_ss;
	u16 exit_cs;		/* CS at the last exit, in either mode */
	/* CS supervisor mode resumes with: 32-bit code after a far return. */
	u16 kernel_cs;
	/* segments.c: the processes' TLS descriptors and LDT. */
	u64 tls[PV_TLS_ENTRIES];
	struct page *ldt[PV_LDT_PAGES];
	unsigned int ldt_entries;
	u64 ldt_generation;	/* 0: no LDT; else unique to this LDT */
	u64 error_code;		/* of the last exit's exception */
	u64 fault_vector;	/* SW_VECTOR_SWITCHER_FAULT: the switcher's */
	u64 dr6;		/* DR6 at the last #DB */
	struct pv_mmio_insn mmio;	/* the last PV_EXIT_MMIO's */
	u64 shared_gpa;		/* the shared page (0: none registered) */
	/* It is pinned while registered (memory.c, pv_shared_set()). */
	struct pv_vcpu_shared *shared;	/* its host address, or NULL */
	struct page *shared_page;
	unsigned long shared_uaddr;	/* the launcher's, under vm->mmu_lock */
	bool shared_stale;	/* the launcher's mapping of it changed */
	/* An access that failed with IRQs off (pv_fault_in()). */
	unsigned long fault_uaddr;
	bool fault_write;
	u64 event_entry;	/* FRED entry base (0: none registered) */
	u64 rsp0;		/* FRED RSP0, for events from user mode */
	/* FRED stack levels 1..3 in supervisor mode (abi.rst, "Events"). */
	u64 fred_rsp[4];	/* FRED_RSP1..3 at [1..3] */
	u64 fred_stklvls;	/* FRED_STKLVLS: 2 bits per vector 0..31 */
	unsigned int fred_csl;	/* the current stack level */
	/* Interrupt lines: raised, bound to a vector, and those vectors. */
	unsigned long pending_lines;
	unsigned long bound_lines;
	u8 line_vector[PV_NR_LINES];
	struct hrtimer timer;		/* the one-shot timer */
	/*
	 * PV_TIMER_SHARED (time.c): the guest keeps its deadline in the
	 * shared page; the timer's callback only asks the vCPU to look.
	 */
	bool timer_shared;
	bool timer_fired;	/* the callback asked, the vCPU did not look yet */
	u64 timer_armed;	/* pvclock ns the timer fires at (0: not armed) */
	wait_queue_head_t wq;		/* a halted or down vCPU sleeps here */
	struct task_struct *task;	/* the thread in PV_RUN, or NULL */
	struct fpu_guest fpu;
	u64 xcr0;		/* the guest's XCR0; 0: FP|SSE (cpuid.c) */
	/*
	 * The shadow MMU: the address spaces it keeps, the current one's
	 * roots (a copy of spaces[space].roots) and every shadow page
	 * (page->lru).
	 */
	struct pv_shadow_space spaces[PV_SHADOW_SPACES];
	unsigned int space;		/* the current one */
	u64 space_clock;		/* for least recently used */
	pgd_t *roots[2];		/* [0] supervisor, [1] user */
	bool user_mode;			/* the guest runs in its user mode */
	bool upper_nonglobal;		/* an upper-half leaf is not global */
	/* The last user #PF, whose access will run again after ERETU. */
	bool prefill;
	bool prefill_fetch;
	u64 prefill_gva, prefill_rip;
	/*
	 * The page of the last user fault the switcher delivered (mmu.c,
	 * markers), or PV_NO_FAST_FAULT.
	 */
	u64 last_fast_fault;
	/* What the shared page's flushed_page says (PV_NO_FLUSHED_PAGE: none) */
	u64 flushed_page;
	struct list_head shadow_pages;
	unsigned int nr_shadow_pages;
	bool shadow_reserved;	/* its reserve is in the module's pool */
	struct pv_exit_counts counts;	/* written by the vCPU's thread only */
	/*
	 * smp.c: odd while the vCPU runs the guest; flushes other vCPUs
	 * asked for, done before its next entry.
	 */
	unsigned long run_seq;
	spinlock_t flush_lock;		/* the three fields below */
	unsigned int flush_kind;	/* PV_FLUSH_REQ_*, under @flush_lock */
	unsigned int nr_flush_pages;
	u64 flush_pages[PV_FLUSH_REQ_PAGES];
	/* Steal time: ns its threads waited for a host CPU, summed. */
	u64 steal;
	const void *steal_task;	/* the thread last seen (never dereferenced) */
	u64 steal_run_delay;	/* its run_delay then */
#ifdef CONFIG_PREEMPT_NOTIFIERS
	struct preempt_notifier preempt;	/* marks the shared page's preempted */
#endif
};

/* Flushes other vCPUs ask of a vCPU, strongest last. */
#define PV_FLUSH_REQ_NONE	0
#define PV_FLUSH_REQ_PAGES_ONLY	1	/* flush_pages[] */
#define PV_FLUSH_REQ_NONGLOBAL	2	/* as a CR3 load, and flush_pages[] */
#define PV_FLUSH_REQ_ALL	3	/* every translation */

/* The host's values pv_cpu_model_enter() replaced for a run. */
struct pv_cpu_host {
	u64 xcr0, guest_xcr0;	/* 0 on a CPU without XSAVE */
	u64 misc_features;	/* MSR_MISC_FEATURES_ENABLES */
	unsigned long cr4;	/* the host's */
	bool cr4_differs;	/* the guest's (pv_guest_cr4()) is not */
	bool restore_misc;	/* CPUID faulting was turned on */
};

int pv_vm_create(void);
size_t pv_console_read(struct pv_vm *vm, u8 *buf, size_t len);
void pv_vm_put(struct pv_vm *vm);
/*
 * What an exit handler tells the run loop (run.c): enter the guest again,
 * return to the launcher (vcpu->run says why), or, the vCPU down, wait
 * to be started again.  A negative errno ends PV_RUN with it.
 */
enum pv_next {
	PV_NEXT_GUEST = 0,
	PV_NEXT_LAUNCHER = 1,
	PV_NEXT_DOWN = 2,
};

/* Canonical for the guest's 4-level paging, whatever the host's: 63:47 equal. */
static inline bool pv_canonical(u64 va)
{
	return __is_canonical_address(va, 48);
}

/*
 * Can the guest have a translation for @va?  Its address space is 4-level,
 * less the guard hole the host owns: on a 4-level host that slot is the
 * switcher's; on a 5-level one the switcher is at 0xff00000000000000,
 * which is not 4-level canonical.
 */
static inline bool pv_guest_va_ok(u64 va)
{
	return pv_canonical(va) &&
	       (va < PV_GUARD_HOLE_START || va >= PV_GUARD_HOLE_END);
}

int pv_vcpu_create(struct pv_vm *vm, unsigned long id);
struct pv_vcpu *pv_vm_vcpu(struct pv_vm *vm, u64 id);
void pv_vcpu_free(struct pv_vcpu *vcpu);
long pv_vcpu_run(struct pv_vcpu *vcpu);

int pv_switcher_init(void);
void pv_switcher_exit(void);
u64 pv_switcher_run(struct pv_vcpu *vcpu, unsigned long *cr2);

int pv_set_memory_slot(struct pv_vm *vm, void __user *argp);
void pv_memslots_unwatch(struct pv_vm *vm);
void pv_memslots_release(struct pv_vm *vm);
bool pv_gpa_ram(struct pv_vm *vm, u64 gpa, size_t len);
int pv_copy_gpa(struct pv_vcpu *vcpu, u64 gpa, void *buf, size_t len,
		bool write);

/* pv_copy_gpa() one way: read guest-physical memory into @buf. */
static inline int pv_read_gpa(struct pv_vcpu *vcpu, u64 gpa, void *buf,
			      size_t len)
{
	return pv_copy_gpa(vcpu, gpa, buf, len, false);
}

int pv_cmpxchg_gpa(struct pv_vcpu *vcpu, u64 gpa, u64 old, u64 new);
int pv_fault_in(struct pv_vcpu *vcpu);
u64 pv_gpa_frame(struct pv_vm *vm, u64 gpa, bool *writable);
int pv_gpa_map(struct pv_vcpu *vcpu, u64 gpa, bool write);
int pv_shared_set(struct pv_vcpu *vcpu, u64 gpa);
int pv_shared_refresh(struct pv_vcpu *vcpu);
void pv_drop_all_shadows(struct pv_vm *vm);
int pv_copy_guest(struct pv_vcpu *vcpu, u64 gva, void *buf, size_t len,
		  bool write);
void pv_mmu_module_init(void);
int pv_mmu_fault(struct pv_vcpu *vcpu, u64 gva, u32 *error, u64 *gpa);
void pv_mmu_prefill(struct pv_vcpu *vcpu);
u64 pv_user_rsp0(struct pv_vcpu *vcpu);
bool pv_fast_paths_on(void);
/* No page: the switcher compares page addresses with it. */
#define PV_NO_FAST_FAULT	(~0ULL)
int pv_internal_error(struct pv_vcpu *vcpu, u64 vector, u64 address,
		      const char *why);
int pv_deliver_or_stop(struct pv_vcpu *vcpu, unsigned int type,
		       unsigned int vector);
int pv_hypercall(struct pv_vcpu *vcpu);
int pv_mmio_exit(struct pv_vcpu *vcpu, u64 gpa);
u64 *pv_insn_reg(struct pv_regs *r, unsigned int n);
int pv_emulate_privileged(struct pv_vcpu *vcpu);
u64 pv_wrmsr(struct pv_vcpu *vcpu, u64 msr, u64 value);
int pv_rdmsr(struct pv_vcpu *vcpu, u64 msr, u64 *value);
u64 pv_exit_counts_copy(struct pv_vcpu *vcpu, u64 gva, u64 len);
long pv_get_exit_counts(struct pv_vm *vm, void __user *uarg);
int pv_eret_insn(struct pv_vcpu *vcpu, bool to_user);
void pv_mmio_complete(struct pv_vcpu *vcpu);

int pv_deliver_event(struct pv_vcpu *vcpu, unsigned int type,
		     unsigned int vector, u64 error, u64 data, unsigned int len);
int pv_erets(struct pv_vcpu *vcpu);
int pv_eretu(struct pv_vcpu *vcpu);
int pv_reflect_exception(struct pv_vcpu *vcpu, u64 vector, unsigned long cr2);

u64 pv_set_tls(struct pv_vcpu *vcpu, const u64 *desc);
u64 pv_set_ldt(struct pv_vcpu *vcpu, u64 gva, u64 entries);
void pv_segments_free(struct pv_vcpu *vcpu);
bool pv_user_cs_64bit(const struct pv_vcpu *vcpu, u16 cs);
bool pv_code_flat(const struct pv_vcpu *vcpu);
bool pv_user_segments_ok(const struct pv_vcpu *vcpu, u16 cs, u16 ss, u64 rip);
u16 pv_data_selector(const struct pv_vcpu *vcpu, const u64 *gdt, u16 sel);

int pv_time_check(void);
void pv_cpuid(struct pv_vcpu *vcpu, u32 leaf, u32 subleaf, u32 *r);
void pv_hc_cpuid(struct pv_vcpu *vcpu);
void pv_cpuid_to_regs(struct pv_vcpu *vcpu, u32 leaf, u32 subleaf);
int pv_emulate_cpuid(struct pv_vcpu *vcpu);
u64 pv_guest_xcr0(struct pv_vcpu *vcpu);
int pv_xsetbv(struct pv_vcpu *vcpu, u64 index, u64 value);
unsigned long pv_guest_cr4(unsigned long host_cr4);
void pv_cpu_model_enter(struct pv_vcpu *vcpu, struct pv_cpu_host *h);
void pv_cpu_model_exit(const struct pv_cpu_host *h);

void pv_time_vm_init(struct pv_vm *vm);
void pv_time_init(struct pv_vcpu *vcpu);
void pv_time_exit(struct pv_vcpu *vcpu);
void pv_time_register(struct pv_vcpu *vcpu);
u64 pv_set_timer(struct pv_vcpu *vcpu, u64 deadline, u64 flags);
void pv_timer_sync(struct pv_vcpu *vcpu);
void pv_timer_reset(struct pv_vcpu *vcpu);
struct pv_vcpu_shared *pv_shared_page(struct pv_vcpu *vcpu);
void pv_mmu_forget_flushed(struct pv_vcpu *vcpu);
void pv_vcpu_kick(struct pv_vcpu *vcpu);
void pv_raise_line(struct pv_vcpu *vcpu, unsigned int line);
int pv_raise_device_line(struct pv_vm *vm, unsigned int line);
u64 pv_irq_bind(struct pv_vcpu *vcpu, u64 line, u64 vector, u64 id);
u64 pv_send_ipi(struct pv_vcpu *vcpu, u64 mask, u64 line);
bool pv_segment_base_ok(u64 base);
void pv_user_gs_publish(struct pv_vcpu *vcpu);
bool pv_vcpus_exist(struct pv_vm *vm, u64 mask);
u64 pv_vcpu_start(struct pv_vcpu *vcpu, const struct pv_regs *r);
int pv_wait_for_start(struct pv_vcpu *vcpu);
u64 pv_vcpu_stop(struct pv_vcpu *vcpu);
u64 pv_flush_tlb(struct pv_vcpu *vcpu, u64 gva, u64 nr, u64 flags);
u64 pv_flush_tlb_multi(struct pv_vcpu *vcpu, u64 mask, u64 gva, u64 nr,
		       u64 flags);
int pv_flush_requests(struct pv_vcpu *vcpu);
int pv_enter_guest_mode(struct pv_vcpu *vcpu);
void pv_leave_guest_mode(struct pv_vcpu *vcpu);
void pv_steal_update(struct pv_vcpu *vcpu);
void pv_set_preempted(struct pv_vcpu *vcpu, u8 preempted);
void pv_preempt_init(struct pv_vcpu *vcpu);
void pv_preempt_watch(struct pv_vcpu *vcpu, bool on);
void pv_smp_module_init(void);
void pv_smp_module_exit(void);
int pv_irqfd(struct pv_vm *vm, void __user *argp);
void pv_irqfd_release_all(struct pv_vm *vm);
int pv_halt(struct pv_vcpu *vcpu);
int pv_deliver_lines(struct pv_vcpu *vcpu);
int pv_mmu_reset(struct pv_vcpu *vcpu);
int pv_mmu_flush_nonglobal(struct pv_vcpu *vcpu);
int pv_mmu_flush_all_tags(struct pv_vcpu *vcpu);
int pv_mmu_load_cr3(struct pv_vcpu *vcpu, u64 cr3, u16 pcid, bool noflush);
void pv_mmu_free(struct pv_vcpu *vcpu);
int pv_mmu_init(struct pv_vcpu *vcpu);
void pv_mmu_exit(struct pv_vcpu *vcpu);
void pv_mmu_invalidate(struct pv_vcpu *vcpu, u64 gva);

#endif /* PVHOST_VM_H */
