/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvrun: pausing and resuming the guest's vCPUs (the API's PATCH /vm).
 */
#ifndef PVRUN_VMSTATE_H
#define PVRUN_VMSTATE_H

#include <pthread.h>
#include <stdbool.h>

/* vm_state_init - the vCPU threads (all of them, once they run) */
void vm_state_init(const pthread_t *threads, unsigned int n);

/*
 * vm_pause - stop every vCPU: returns 0 once none runs guest code, or -1
 * (and the VM runs on) when one did not stop within 5 s.
 * vm_resume - let them run again.  Both may be called when already so.
 */
int vm_pause(void);
void vm_resume(void);
bool vm_paused(void);

/*
 * vm_park - for a vCPU thread whose PV_RUN a signal ended: wait here
 * while the VM is paused.
 */
void vm_park(void);

#endif
