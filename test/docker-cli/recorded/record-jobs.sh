export DOCKER_HOST=${DOCKER_HOST:?a Docker swarm manager}
IMG=flotilla/busybox:latest
echo "### create replicated-job 5 completions, max-concurrent 2"
docker service create --detach --name rj --mode replicated-job --replicas 5 --max-concurrent 2 $IMG sh -c 'sleep 2' ; echo "create exit $?"
for i in $(seq 1 100); do l=$(docker service ls --filter name=rj --format '{{.Mode}}|{{.Replicas}}'); echo "$l :: $(docker service ps rj --format '{{.Name}} {{.DesiredState}} {{.CurrentState}}' | awk '{print $1"/"$2"/"$3}' | sort | tr '\n' ' ')"; case "$l" in *"(5/5 completed)"*) break;; esac; sleep 1.5; done
docker service ls --filter name=rj
docker service ps rj
docker service inspect rj --format '{{json .Spec.Mode}} {{json .JobStatus}} {{json .Spec.TaskTemplate.RestartPolicy}}'
docker inspect $(docker service ps -q rj | head -1) --format '{{json .JobIteration}} {{.DesiredState}} {{.Status.State}} slot={{.Slot}}'
curl -s --unix-socket ${DOCKER_HOST#unix://} 'http://x/v1.41/services?status=true' | python3 -c 'import json,sys; [print(s["Spec"]["Name"], json.dumps(s.get("ServiceStatus")), json.dumps(s.get("JobStatus"))) for s in json.load(sys.stdin)]'
echo "### update --force re-runs"
docker service update --detach --force rj; echo "update exit $?"
sleep 2; docker service inspect rj --format '{{json .JobStatus}} version={{.Version.Index}}'
for i in $(seq 1 100); do l=$(docker service ls --filter name=rj --format '{{.Replicas}}'); echo "$l"; case "$l" in *"(5/5 completed)"*) break;; esac; sleep 1.5; done
docker service ps rj | head -20
echo "### scale on a job"
docker service scale rj=3 2>&1 | tail -2
echo "### failing job, default restart policy"
docker service create --detach --name fj --mode replicated-job --replicas 2 $IMG sh -c 'exit 3'; sleep 60
docker service ps fj --no-trunc
docker service inspect fj --format '{{json .Spec.TaskTemplate.RestartPolicy}}'
docker service ls --filter name=fj
echo "### global-job"
docker service create --detach --name gj --mode global-job $IMG sh -c 'sleep 1'; sleep 30
docker service ls --filter name=gj; docker service ps gj
echo "### bad values"
docker service create --detach --name bj --mode replicated-job --max-concurrent 2 --mode global $IMG true 2>&1 | tail -1
docker service create --detach --name bj2 --mode global-job --replicas 2 $IMG true 2>&1 | tail -1
docker service create --detach --name bj3 --mode global-job --max-concurrent 2 $IMG true 2>&1 | tail -1
docker service create --detach --name bj4 --mode replicated --max-concurrent 2 $IMG true 2>&1 | tail -1
curl -s --unix-socket ${DOCKER_HOST#unix://} -XPOST -H 'Content-Type: application/json' http://x/v1.41/services/create -d '{"Name":"bj5","TaskTemplate":{"ContainerSpec":{"Image":"flotilla/busybox:latest"}},"Mode":{"ReplicatedJob":{"MaxConcurrent":3,"TotalCompletions":0}}}' -w ' %{http_code}\n'
curl -s --unix-socket ${DOCKER_HOST#unix://} -XPOST -H 'Content-Type: application/json' http://x/v1.41/services/create -d '{"Name":"bj6","TaskTemplate":{"ContainerSpec":{"Image":"flotilla/busybox:latest"}},"Mode":{"ReplicatedJob":{}}}' -w ' %{http_code}\n'
docker service inspect bj6 --format '{{json .Spec.Mode}}' 2>&1
docker service rm rj fj gj bj5 bj6 >/dev/null 2>&1
