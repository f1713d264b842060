package pagecache

// Waiting returns how many callers wait for the load of key under way.
func (p *Cache) Waiting(key string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if l, ok := p.loads[key]; ok {
		return l.waiters
	}
	return 0
}
