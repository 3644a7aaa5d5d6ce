
õú×
ping
pong