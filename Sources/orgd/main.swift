// The orgd executable: everything lives in OrgdApp so tests can run the same code in-process.

import Foundation
import OrgdApp

exit(Orgd.main(Array(CommandLine.arguments.dropFirst())))
