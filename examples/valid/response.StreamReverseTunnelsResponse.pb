
edge-eu-west-1a-17*