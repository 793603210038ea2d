From: Henry <henry@example.org>
Subject: tmp/1004.e
Message-ID: <1004.e@example.org>

Stored as tmp/1004.e.
