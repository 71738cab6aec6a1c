package dev.cachet.examples.shop;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The shop's REST API. */
@RestController
public class ProductController {

    private final ProductRepository products;

    public ProductController(ProductRepository products) {
        this.products = products;
    }

    @GetMapping("/products/{id}")
    public Product product(@PathVariable long id) {
        return products.findById(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }

    @GetMapping("/products")
    public List<Product> cheaperThan(@RequestParam BigDecimal maxPrice) {
        return products.findByPriceLessThanEqualOrderByPrice(maxPrice);
    }

    @PutMapping("/products/{id}/price")
    @Transactional
    public Product reprice(@PathVariable long id, @RequestBody Map<String, BigDecimal> body) {
        Product p = product(id);
        p.setPrice(body.get("price"));
        return p;
    }

    /** Static text the application caches itself, with its own Caffeine (Spring's cache abstraction). */
    @GetMapping("/about")
    @Cacheable("about")
    public Map<String, String> about() {
        return Map.of("shop", "Cachet example shop", "cache", com.github.benmanes.caffeine.cache.Caffeine.class
                .getProtectionDomain().getCodeSource().getLocation().toString().replaceAll("!/$", "").replaceAll(".*/", ""));
    }
}
