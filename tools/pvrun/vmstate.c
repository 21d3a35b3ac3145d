// SPDX-License-Identifier: GPL-2.0
/*
 * pvrun: pausing and resuming the guest's vCPUs.
 *
 * A pause sets the flag and sends each vCPU thread SIGUSR1, which ends
 * its PV_RUN with EINTR; the thread then parks in vm_park() until the
 * resume.  A signal that arrives while the thread is between two PV_RUNs
 * would be lost (the next PV_RUN finds nothing pending), so the pause
 * sends it again every millisecond until every thread has parked.  A
 * halted vCPU or one that is down leaves PV_RUN the same way: the module
 * waits for them interruptibly.  The guest's clock runs on meanwhile, as
 * after a host's suspend: its timers that fell due fire once it runs.
 */
#include <errno.h>
#include <signal.h>
#include <time.h>

#include "vmstate.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static const pthread_t *vcpu_threads;
static unsigned int nr_vcpus, nr_parked;
static bool paused;

void vm_state_init(const pthread_t *threads, unsigned int n)
{
	pthread_mutex_lock(&lock);
	vcpu_threads = threads;
	nr_vcpus = n;
	pthread_mutex_unlock(&lock);
}

int vm_pause(void)
{
	struct timespec until;
	unsigned int i, tries;
	int ret = 0;

	pthread_mutex_lock(&lock);
	paused = true;
	/* 5 s: a vCPU thread blocked elsewhere (stdout full) fails it. */
	for (tries = 0; nr_parked < nr_vcpus; tries++) {
		if (tries == 5000) {
			paused = false;
			pthread_cond_broadcast(&changed);
			ret = -1;
			break;
		}
		for (i = 0; i < nr_vcpus; i++)
			pthread_kill(vcpu_threads[i], SIGUSR1);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&changed, &lock, &until);
	}
	pthread_mutex_unlock(&lock);
	return ret;
}

void vm_resume(void)
{
	pthread_mutex_lock(&lock);
	paused = false;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

bool vm_paused(void)
{
	bool p;

	pthread_mutex_lock(&lock);
	p = paused;
	pthread_mutex_unlock(&lock);
	return p;
}

void vm_park(void)
{
	pthread_mutex_lock(&lock);
	if (paused) {
		nr_parked++;
		pthread_cond_broadcast(&changed);
		while (paused)
			pthread_cond_wait(&changed, &lock);
		nr_parked--;
	}
	pthread_mutex_unlock(&lock);
}
