
"
edge-eu-west-1a-17edge-eu-west	acme-prodacme-prod-node-4(ÿÿÿÿÿÿÿÿÿ