From: Henry <henry@example.org>
Subject: new/1001.b
Message-ID: <1001.b@example.org>

Stored as new/1001.b.
