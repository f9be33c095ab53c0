#!/bin/sh
# The example app: prints what it was built for.
cat /app/version.txt
