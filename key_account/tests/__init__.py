from . import test_tier
from . import test_partner_guard
from . import test_security
from . import test_request
from . import test_file
from . import test_signer
from . import test_partner_date
from . import test_suggestion
