export DOCKER_HOST=${DOCKER_HOST:?a Docker swarm manager}
docker service create -d --name hbad --stop-grace-period 1s --restart-delay 1s --health-cmd false --health-interval 1s --health-retries 1 --health-timeout 1s flotilla/busybox:latest sleep 1000 >/dev/null 2>&1
seen=""
for i in $(seq 1 150); do st=$(docker service ps hbad --format '{{.CurrentState}}' | awk '{print $1}' | sort -u | tr '\n' ' '); seen="$seen $st"; r=$(docker service ls --filter name=hbad --format '{{.Replicas}}'); reps="$reps $r"; n=$(docker service ps hbad -q | wc -l); [ $n -ge 3 ] && break; sleep 1; done
echo "states seen: $(echo $seen | tr ' ' '\n' | sort -u | tr '\n' ' ')"
echo "replicas seen: $(echo $reps | tr ' ' '\n' | sort -u | tr '\n' ' ')"
docker service ps hbad --no-trunc --format '{{.Name}}|{{.DesiredState}}|{{.CurrentState}}|{{.Error}}'
docker service rm hbad >/dev/null
