"""The seed's engine (APScheduler 3, Debian's python3-apscheduler) under the load of bench/http.ts:
N every-second cron jobs, each either a GET to a local HTTP target with requests (one
keep-alive Session per pool thread) or the command `true` through subprocess, in the seed's
20-thread pool. Usage: apscheduler_jobs.py http|command N BASE_URL

Runs until stdin closes (the bench decides the window), then prints one JSON line: for each
job the slots it started (submitted to the pool) and, in command mode, when each run ended;
the slots APScheduler reported missed or skipped (max instances); its own CPU seconds and peak
RSS, children included."""
import json
import resource
import subprocess
import sys
import threading
import time

import requests
from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, EVENT_JOB_SUBMITTED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

mode, n, base = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lock = threading.Lock()
local = threading.local()
submitted, ended, missed, skipped = {}, {}, [0], [0]


def session():
    s = getattr(local, "session", None)
    if s is None:
        s = local.session = requests.Session()
    return s


def hit(i):
    session().get(f"{base}/hit/{i}", timeout=60)


def run_true(i):
    subprocess.run(["true"], check=False)


def on_event(event):
    with lock:
        if event.code == EVENT_JOB_SUBMITTED:
            submitted.setdefault(event.job_id, []).extend(t.timestamp() for t in event.scheduled_run_times)
        elif event.code == EVENT_JOB_EXECUTED:
            ended.setdefault(event.job_id, []).append([event.scheduled_run_time.timestamp(), time.time()])
        elif event.code == EVENT_JOB_MISSED:
            missed[0] += 1
        else:
            skipped[0] += 1


scheduler = BackgroundScheduler(
    executors={"default": ThreadPoolExecutor(20)},
    job_defaults={"misfire_grace_time": 5, "coalesce": False, "max_instances": 3},
    timezone="UTC",
)
scheduler.add_listener(
    on_event, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES
)
fn = hit if mode == "http" else run_true
for i in range(n):
    scheduler.add_job(fn, CronTrigger(second="*", timezone="UTC"), args=[i], id=str(i))
scheduler.start()
print("started", flush=True)
sys.stdin.read()
scheduler.shutdown(wait=False)
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
with lock:
    print(json.dumps({
        "submitted": submitted,
        "ended": ended,
        "missed": missed[0],
        "skipped": skipped[0],
        "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
        "rss_mib": me.ru_maxrss / 1024,
    }), flush=True)
