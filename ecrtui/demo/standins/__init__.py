"""Local stand-ins for AWS services moto does not implement, used by the tests and by
`ecrtui --demo`. They speak the real wire protocol over HTTP, so ecrtui reaches them
through the standard AWS_ENDPOINT_URL_* variables like any endpoint."""
