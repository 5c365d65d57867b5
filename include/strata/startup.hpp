#pragma once
// Start-up alone; the same as <strata/pq.hpp>.

#include "pq.hpp"
