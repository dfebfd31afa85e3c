#!/bin/bash
# adding the same 2,000 JSONL articles to copies of a 10k and a 100k archive, through the CLI
set -e
NA=/work/main/.venv/bin/newsarchive
S=/tmp/scale
W=/tmp/scalerun; mkdir -p $W
for n in 10000 100000; do  # migrate once and let one ingest of one article write the band runs
  if [ ! -e $W/snap-$n.duckdb ]; then
    cp $S/archive-$n.duckdb $W/snap-$n.duckdb
    head -1 $S/new-batch.jsonl | sed 's#"url": "#"url": "https://warmup.example/x#' > $W/one.jsonl
    $NA --db $W/snap-$n.duckdb ingest -q $W/one.jsonl
    ls $W/snap-$n.duckdb.bands | wc -l
  fi
done
for round in 1 2 3; do
  for n in 10000 100000; do
    rm -rf $W/run.duckdb*; cp $W/snap-$n.duckdb $W/run.duckdb; [ -d $W/snap-$n.duckdb.bands ] && cp -r $W/snap-$n.duckdb.bands $W/run.duckdb.bands
    sync  # else the run's checkpoint fsync waits for the copy's dirty pages (seconds at 100k)
    /usr/bin/time -f "round $round size $n wall %e user %U sys %S maxrss_kb %M" $NA --db $W/run.duckdb ingest -q -w 1 $S/new-batch.jsonl
  done
done
