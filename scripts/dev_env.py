"""Write var/sentier.env with fresh random keys for a local demo, once; never overwrite."""

import base64
import os
import secrets
import sys
from pathlib import Path

path = Path(sys.argv[1] if len(sys.argv) > 1 else "var/sentier.env")
if not path.exists():
    path.parent.mkdir(parents=True, exist_ok=True)
    master = base64.urlsafe_b64encode(os.urandom(32)).decode()
    path.write_text(
        "# Local demo settings, generated once. Never commit, never use in production.\n"
        "SENTIER_DEBUG=1\n"
        "SENTIER_ALLOW_SQLITE=1\n"
        f"SENTIER_SECRET_KEY={secrets.token_urlsafe(50)}\n"
        f"SENTIER_MASTER_KEYS=k1:{master}\n"
    )
    path.chmod(0o600)
    print(f"{path} créé (clés aléatoires locales).")
