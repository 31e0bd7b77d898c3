"""The seed's engine (APScheduler 3, from Debian's python3-apscheduler) under the same load as
Kairos in bench/lateness.ts: N every-second cron jobs running a no-op, for D seconds after a
warm-up. Prints one JSON line: lateness (event time - scheduled time) of the fires scheduled
inside the window, how many ran, and how many APScheduler reported missed."""
import json
import sys
import threading
import time

from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

n, duration, warmup = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
lock = threading.Lock()
lateness, missed, skipped = [], [0], [0]
start = time.time()
window = (int(start + warmup) + 1, int(start + warmup) + 1 + duration)


def noop():
    pass


def on_event(event):
    # EVENT_JOB_EXECUTED is dispatched right after the (no-op) job returns: its time is the run time.
    scheduled = event.scheduled_run_time.timestamp()
    if not (window[0] <= scheduled < window[1]):
        return
    with lock:
        if event.code == EVENT_JOB_EXECUTED:
            lateness.append((time.time() - scheduled) * 1000)
        elif event.code == EVENT_JOB_MISSED:
            missed[0] += 1
        else:
            skipped[0] += 1


scheduler = BackgroundScheduler(
    executors={"default": ThreadPoolExecutor(20)},
    job_defaults={"misfire_grace_time": 5, "coalesce": False, "max_instances": 3},
    timezone="UTC",
)
scheduler.add_listener(on_event, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
for i in range(n):
    scheduler.add_job(noop, CronTrigger(second="*", timezone="UTC"), id=str(i))
scheduler.start()
time.sleep(max(0, window[1] - time.time()) + 3)
scheduler.shutdown(wait=False)
with lock:
    print(json.dumps({"ran": len(lateness), "expected": int(n * duration), "missed": missed[0],
                      "skipped": skipped[0], "lateness": sorted(lateness)}))
