#include "ledger/merkle.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace muster::ledger {

Hash HashLeaf(ByteView data) {
  // One-shot hashing of 0x00 || data: leaves are small, so the copy costs less than a
  // streaming context.
  thread_local Bytes buffer;
  buffer.resize(1 + data.size());
  buffer[0] = 0x00;
  if (!data.empty()) std::memcpy(buffer.data() + 1, data.data(), data.size());
  return Sha256(buffer);
}

Hash HashNode(const Hash& left, const Hash& right) {
  uint8_t buf[1 + 2 * kHashSize];
  buf[0] = 0x01;
  std::memcpy(buf + 1, left.data(), kHashSize);
  std::memcpy(buf + 1 + kHashSize, right.data(), kHashSize);
  return Sha256(ByteView(buf, sizeof buf));
}

Hash EmptyRoot() { return Sha256(ByteView{}); }

Result<std::vector<Hash>> HashReader::ReadSubtrees(std::span<const SubtreeId> ids) const {
  std::vector<Hash> out;
  out.reserve(ids.size());
  for (const SubtreeId& id : ids) {
    MUSTER_ASSIGN_OR_RETURN(Hash h, ReadSubtree(id));
    out.push_back(h);
  }
  return out;
}

std::vector<SubtreeId> RangeSubtrees(uint64_t start, uint64_t end) {
  std::vector<SubtreeId> ids;
  uint64_t pos = start;
  while (pos < end) {
    uint64_t level = static_cast<uint64_t>(std::bit_width(end - pos) - 1);
    if (pos != 0) level = std::min<uint64_t>(level, static_cast<uint64_t>(std::countr_zero(pos)));
    ids.push_back({level, pos >> level});
    pos += uint64_t{1} << level;
  }
  return ids;
}

Hash FoldRange(std::span<const Hash> hashes) {
  Hash acc = hashes.back();
  for (size_t i = hashes.size() - 1; i-- > 0;) acc = HashNode(hashes[i], acc);
  return acc;
}

namespace {

// A proof element is the fold of one or more complete subtrees.
using Plan = std::vector<std::vector<SubtreeId>>;

// The largest power of two strictly below n (n >= 2).
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// PATH(m, D[start:end]) of RFC 9162 §2.1.3.1, as subtree reads.
void PlanPath(uint64_t m, uint64_t start, uint64_t end, Plan& out) {
  uint64_t n = end - start;
  if (n <= 1) return;
  uint64_t k = SplitPoint(n);
  if (m < k) {
    PlanPath(m, start, start + k, out);
    out.push_back(RangeSubtrees(start + k, end));
  } else {
    PlanPath(m - k, start + k, end, out);
    out.push_back(RangeSubtrees(start, start + k));
  }
}

// SUBPROOF(m, D[start:end], b) of RFC 9162 §2.1.4.1, as subtree reads.
void PlanSubproof(uint64_t m, uint64_t start, uint64_t end, bool whole, Plan& out) {
  uint64_t n = end - start;
  if (m == n) {
    if (!whole) out.push_back(RangeSubtrees(start, end));
    return;
  }
  uint64_t k = SplitPoint(n);
  if (m <= k) {
    PlanSubproof(m, start, start + k, whole, out);
    out.push_back(RangeSubtrees(start + k, end));
  } else {
    PlanSubproof(m - k, start + k, end, false, out);
    out.push_back(RangeSubtrees(start, start + k));
  }
}

// Reads every subtree of `plan` in one batch and folds each element.
Result<std::vector<Hash>> Execute(const HashReader& reader, const Plan& plan) {
  std::vector<SubtreeId> ids;
  for (const auto& element : plan) ids.insert(ids.end(), element.begin(), element.end());
  MUSTER_ASSIGN_OR_RETURN(std::vector<Hash> hashes, reader.ReadSubtrees(ids));
  if (hashes.size() != ids.size()) {
    return Status::Internal(fmt::format("hash reader returned {} hashes for {} subtrees", hashes.size(), ids.size()));
  }
  std::vector<Hash> proof;
  proof.reserve(plan.size());
  size_t pos = 0;
  for (const auto& element : plan) {
    proof.push_back(FoldRange(std::span<const Hash>(hashes).subspan(pos, element.size())));
    pos += element.size();
  }
  return proof;
}

}  // namespace

Result<Hash> RootAt(const HashReader& reader, uint64_t size) {
  if (size == 0) return EmptyRoot();
  std::vector<SubtreeId> ids = RangeSubtrees(0, size);
  MUSTER_ASSIGN_OR_RETURN(std::vector<Hash> hashes, reader.ReadSubtrees(ids));
  if (hashes.size() != ids.size()) return Status::Internal("hash reader returned the wrong number of hashes");
  return FoldRange(hashes);
}

Result<std::vector<Hash>> InclusionProof(const HashReader& reader, uint64_t index, uint64_t size) {
  if (index >= size) {
    return Status::InvalidArgument(fmt::format("leaf index {} is not below tree size {}", index, size));
  }
  Plan plan;
  PlanPath(index, 0, size, plan);
  return Execute(reader, plan);
}

Result<std::vector<Hash>> ConsistencyProof(const HashReader& reader, uint64_t size1, uint64_t size2) {
  if (size1 == 0 || size1 > size2) {
    return Status::InvalidArgument(
        fmt::format("no consistency proof from tree size {} to {}: need 0 < from <= to", size1, size2));
  }
  Plan plan;
  if (size1 < size2) PlanSubproof(size1, 0, size2, /*whole=*/true, plan);
  return Execute(reader, plan);
}

namespace {

inline ByteView View(const Hash& h) { return h; }
inline ByteView View(const Bytes& b) { return b; }

bool Equal(const Hash& computed, ByteView given) {
  return given.size() == kHashSize && std::equal(computed.begin(), computed.end(), given.begin());
}

template <typename T>
Result<std::vector<Hash>> ProofHashes(std::span<const T> proof) {
  std::vector<Hash> out(proof.size());
  for (size_t i = 0; i < proof.size(); ++i) {
    ByteView v = View(proof[i]);
    if (v.size() != kHashSize) {
      return Status::Corruption(fmt::format("proof hash {} is {} bytes, not {}", i, v.size(), kHashSize));
    }
    std::copy(v.begin(), v.end(), out[i].begin());
  }
  return out;
}

template <typename T>
Status VerifyInclusionImpl(uint64_t index, uint64_t size, ByteView leaf_hash, std::span<const T> proof, ByteView root) {
  if (leaf_hash.size() != kHashSize) {
    return Status::Corruption(fmt::format("leaf hash is {} bytes, not {}", leaf_hash.size(), kHashSize));
  }
  // Step 1.
  if (index >= size) return Status::Corruption(fmt::format("leaf index {} is not below tree size {}", index, size));
  uint64_t inner = static_cast<uint64_t>(std::bit_width(index ^ (size - 1)));
  uint64_t expected = inner + static_cast<uint64_t>(std::popcount(index >> inner));
  if (proof.size() != expected) {
    return Status::Corruption(fmt::format("inclusion proof has {} hashes, expected {}", proof.size(), expected));
  }
  MUSTER_ASSIGN_OR_RETURN(std::vector<Hash> path, ProofHashes(proof));
  // Steps 2-4.
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r;
  std::copy(leaf_hash.begin(), leaf_hash.end(), r.begin());
  for (const Hash& p : path) {
    if (sn == 0) return Status::Corruption("inclusion proof is too long");
    if ((fn & 1) == 1 || fn == sn) {
      r = HashNode(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = HashNode(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  // Step 5.
  if (sn != 0) return Status::Corruption("inclusion proof is too short");
  if (!Equal(r, root)) return Status::Corruption("inclusion proof does not lead to the root");
  return Status::Ok();
}

template <typename T>
Status VerifyConsistencyImpl(uint64_t size1, uint64_t size2, std::span<const T> proof, ByteView root1, ByteView root2) {
  if (size1 == 0) return Status::Corruption("consistency from an empty tree proves nothing");
  if (size1 > size2) {
    return Status::Corruption(fmt::format("tree size {} is larger than the later size {}", size1, size2));
  }
  if (size1 == size2) {
    if (!proof.empty()) return Status::Corruption("consistency proof between equal sizes must be empty");
    if (!std::equal(root1.begin(), root1.end(), root2.begin(), root2.end())) {
      return Status::Corruption("roots of equal tree sizes differ");
    }
    return Status::Ok();
  }
  // Step 1.
  if (proof.empty()) return Status::Corruption("consistency proof is empty");
  if (root1.size() != kHashSize || root2.size() != kHashSize) {
    return Status::Corruption(
        fmt::format("root is {} bytes, not {}", root1.size() != kHashSize ? root1.size() : root2.size(), kHashSize));
  }
  // The proof is the inclusion path of the largest complete subtree ending at size1 (level
  // `level`, index `node`) in the tree of size2 seen at that level, preceded by that subtree's
  // hash unless size1 is a power of two.
  uint64_t level = static_cast<uint64_t>(std::countr_zero(size1));
  uint64_t node = (size1 - 1) >> level;
  uint64_t width = ((size2 - 1) >> level) + 1;
  uint64_t inner = static_cast<uint64_t>(std::bit_width(node ^ (width - 1)));
  uint64_t expected = inner + static_cast<uint64_t>(std::popcount(node >> inner)) + (node == 0 ? 0 : 1);
  if (proof.size() != expected) {
    return Status::Corruption(fmt::format("consistency proof has {} hashes, expected {}", proof.size(), expected));
  }
  MUSTER_ASSIGN_OR_RETURN(std::vector<Hash> path, ProofHashes(proof));
  // Step 2.
  if (std::has_single_bit(size1)) {
    Hash first;
    std::copy(root1.begin(), root1.end(), first.begin());
    path.insert(path.begin(), first);
  }
  // Steps 3-4.
  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  // Steps 5-6.
  Hash fr = path[0];
  Hash sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return Status::Corruption("consistency proof is too long");
    if ((fn & 1) == 1 || fn == sn) {
      fr = HashNode(c, fr);
      sr = HashNode(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = HashNode(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  // Step 7.
  if (sn != 0) return Status::Corruption("consistency proof is too short");
  if (!Equal(fr, root1)) return Status::Corruption("consistency proof does not lead to the first root");
  if (!Equal(sr, root2)) return Status::Corruption("consistency proof does not lead to the second root");
  return Status::Ok();
}

}  // namespace

Status VerifyInclusion(uint64_t index, uint64_t size, ByteView leaf_hash, std::span<const Hash> proof, ByteView root) {
  return VerifyInclusionImpl(index, size, leaf_hash, proof, root);
}
Status VerifyInclusion(uint64_t index, uint64_t size, ByteView leaf_hash, std::span<const Bytes> proof, ByteView root) {
  return VerifyInclusionImpl(index, size, leaf_hash, proof, root);
}
Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Hash> proof, ByteView root1, ByteView root2) {
  return VerifyConsistencyImpl(size1, size2, proof, root1, root2);
}
Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Bytes> proof, ByteView root1, ByteView root2) {
  return VerifyConsistencyImpl(size1, size2, proof, root1, root2);
}

Result<CompactRange> CompactRange::FromPeaks(uint64_t size, std::vector<Hash> peaks) {
  if (peaks.size() != static_cast<size_t>(std::popcount(size))) {
    return Status::InvalidArgument(
        fmt::format("a tree of {} leaves has {} peaks, not {}", size, std::popcount(size), peaks.size()));
  }
  CompactRange range;
  range.size_ = size;
  range.peaks_ = std::move(peaks);
  return range;
}

Result<CompactRange> CompactRange::Load(const HashReader& reader, uint64_t size) {
  std::vector<SubtreeId> ids = RangeSubtrees(0, size);
  MUSTER_ASSIGN_OR_RETURN(std::vector<Hash> peaks, reader.ReadSubtrees(ids));
  return FromPeaks(size, std::move(peaks));
}

Hash CompactRange::Root() const { return peaks_.empty() ? EmptyRoot() : FoldRange(peaks_); }

void CompactRange::Append(const Hash& leaf_hash, std::vector<SubtreeHash>* completed) {
  Hash h = leaf_hash;
  uint64_t index = size_;
  uint64_t level = 0;
  if (completed != nullptr) completed->push_back({{level, index}, h});
  while (((size_ >> level) & 1) == 1) {
    h = HashNode(peaks_.back(), h);
    peaks_.pop_back();
    ++level;
    index >>= 1;
    if (completed != nullptr) completed->push_back({{level, index}, h});
  }
  peaks_.push_back(h);
  ++size_;
}

uint64_t MemoryTree::AppendHash(const Hash& leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf_hash);
  for (size_t level = 0; levels_[level].size() % 2 == 0; ++level) {
    const auto& row = levels_[level];
    Hash parent = HashNode(row[row.size() - 2], row[row.size() - 1]);
    if (levels_.size() == level + 1) levels_.emplace_back();
    levels_[level + 1].push_back(parent);
  }
  return levels_[0].size() - 1;
}

Hash MemoryTree::Root() const {
  Result<Hash> root = RootAt(*this, size());
  assert(root.ok());
  return *root;
}

Result<Hash> MemoryTree::ReadSubtree(SubtreeId id) const {
  if (id.level >= levels_.size() || id.index >= levels_[id.level].size()) {
    return Status::NotFound(fmt::format("subtree at level {} index {} is not complete", id.level, id.index));
  }
  return levels_[id.level][id.index];
}

}  // namespace muster::ledger
