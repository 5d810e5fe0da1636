#!/bin/bash
# Records Docker swarm's behaviour for health + update rollback (reference for flotilla tests).
export DOCKER_HOST=${DOCKER_HOST:?a Docker swarm manager}
IMG=flotilla/busybox:latest
CMD=(sh -c 'trap "exit 0" TERM; while true; do sleep 1; done')
poll() { # service, seconds
  local end=$((SECONDS+$2)) last=
  while [ $SECONDS -lt $end ]; do
    cur=$(docker service inspect $1 --format '{{if .UpdateStatus}}{{.UpdateStatus.State}} | {{.UpdateStatus.Message}}{{end}}' 2>/dev/null)
    [ "$cur" != "$last" ] && echo "t+$SECONDS status: $cur" && last=$cur
    sleep 0.3
  done
}
echo "### A: healthcheck never passes"
docker service create -d --name hbad --health-cmd false --health-interval 1s --health-retries 1 --health-timeout 1s $IMG "${CMD[@]}" >/dev/null
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do docker service ps hbad --format '{{.Name}} {{.CurrentState}} | {{.Error}}' | head -1; sleep 1; done
echo "--- service ps after 20s"; docker service ps hbad --no-trunc --format 'table {{.Name}}\t{{.DesiredState}}\t{{.CurrentState}}\t{{.Error}}'
docker service ls --filter name=hbad
docker service rm hbad >/dev/null
echo "### B: healthy after start"
docker service create -d --name hgood --replicas 2 --health-cmd true --health-interval 3s $IMG "${CMD[@]}" >/dev/null
for i in $(seq 1 60); do echo "$(docker service ls --filter name=hgood --format '{{.Replicas}}') :: $(docker service ps hgood --format '{{.CurrentState}}' | tr '\n' ',')"; sleep 0.5; done
echo "### C: update to unhealthy, failure-action rollback"
docker service update --detach=false --health-cmd false --health-interval 1s --health-retries 1 --update-failure-action rollback --update-monitor 5s hgood > /tmp/ref-c.out 2>&1 & 
pid=$!
poll hgood 90
wait $pid; echo "cli exit $?"; tail -5 /tmp/ref-c.out | tr '\r' '\n' | tail -5
docker service inspect hgood --format 'spec health={{json .Spec.TaskTemplate.ContainerSpec.Healthcheck}} prev={{if .PreviousSpec}}{{json .PreviousSpec.TaskTemplate.ContainerSpec.Healthcheck}}{{else}}none{{end}}'
docker service ps hgood --no-trunc --format '{{.Name}} {{.DesiredState}} {{.CurrentState}} | {{.Error}}'
echo "### D: update to unhealthy, failure-action pause"
docker service update --detach=false --health-cmd false --health-interval 1s --health-retries 1 --update-failure-action pause --update-monitor 5s hgood > /tmp/ref-d.out 2>&1 &
pid=$!
poll hgood 60
wait $pid; echo "cli exit $?"; tail -3 /tmp/ref-d.out | tr '\r' '\n' | tail -3
docker service ls --filter name=hgood
echo "### E: manual rollback from paused"
docker service rollback -d hgood; poll hgood 60
docker service inspect hgood --format '{{json .UpdateStatus}}'
echo "### F: update completes (healthy), monitor 3s"
docker service update -d --env-add X=1 --update-monitor 3s hgood >/dev/null; poll hgood 60
docker service inspect hgood --format '{{json .UpdateStatus}}'
docker service rm hgood >/dev/null
