
J
edge-eu-west-1a-17edge-eu-west"
	eu-west-1
eu-west-1a2envoy:1.36.0F
acme-prod-tunnel-1#
acme	acme-prodacme-prod-node-4Ž»…ØÀ²Í;acme-prod-tunnel-0(*