package dev.cachet.examples.shop;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

/** Products, through Spring Data JPA. */
public interface ProductRepository extends JpaRepository<Product, Long> {

    List<Product> findByPriceLessThanEqualOrderByPrice(java.math.BigDecimal price);
}
