
'
10.0.0.5ê?

192.0.2.10¢êA

êªÖÿ†ç3
1GET /healthz HTTP/1.1
Host: edge.example.com

;
êªÖÿ‡∞å,
(HTTP/1.1 200 OK
content-length: 2
